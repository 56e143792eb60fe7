import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Recently served files, kept while one `stat` says they are unchanged (same inode, size and modification
/// time), so a busy page costs a `stat` rather than an open, a read and a close. The site is small; the
/// cache is bounded anyway.
final class FileCache: @unchecked Sendable {
    struct Entry {
        var inode: UInt64
        var size: Int
        var modifiedNanos: Int64
        var data: Data
        var etag: String
        var lastModified: String
        var modified: Date
        /// The page with the preview's script, for the build it was made for.
        var transformed: (key: String, data: Data)?
    }

    private let lock = NSLock()
    private var entries: [String: Entry] = [:]
    private var bytes = 0
    let maxBytes: Int

    init(maxBytes: Int = 64 << 20) {
        self.maxBytes = maxBytes
    }

    /// The file at `path` as one consistent version: opened once, and its size, inode and time taken from that
    /// open file (`fstat`), so a rebuild that swaps the site in between cannot pair one version's size with
    /// another's bytes (the soak test found a 404 from exactly that).
    func file(_ path: String) -> Entry? {
        var st = stat()
        // A hit costs one stat: the path still names the very file (inode) the cached bytes came from.
        if stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG {
            let nanos = Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
            lock.lock()
            if let e = entries[path], e.inode == UInt64(st.st_ino), e.size == Int(st.st_size), e.modifiedNanos == nanos {
                lock.unlock()
                return e
            }
            lock.unlock()
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
        let inode = UInt64(st.st_ino), size = Int(st.st_size)
        let nanos = Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
        var data = Data(count: size)
        let read = data.withUnsafeMutableBytes { raw -> Int in
            var done = 0
            while done < size {
                let n = pread(fd, raw.baseAddress! + done, size - done, off_t(done))
                if n <= 0 { break }
                done += n
            }
            return done
        }
        guard read == size else { return nil }
        let modified = Date(timeIntervalSince1970: Double(st.st_mtim.tv_sec))
        let entry = Entry(
            inode: inode, size: size, modifiedNanos: nanos, data: data,
            etag: "\"\(String(inode, radix: 16))-\(String(size, radix: 16))-\(String(nanos / 1_000_000, radix: 16))\"",
            lastModified: HTTPDate.format(modified), modified: modified)
        if size <= maxBytes / 8 {
            lock.lock()
            if bytes + size > maxBytes {
                entries.removeAll()
                bytes = 0
            }
            bytes += size - (entries[path]?.size ?? 0)
            entries[path] = entry
            lock.unlock()
        }
        return entry
    }

    /// The transformed bytes of a page for `key` (the build), made once per page and build.
    func transformed(_ path: String, entry: Entry, key: String, make: (Data) -> Data) -> Data {
        if let t = entry.transformed, t.key == key { return t.data }
        let data = make(entry.data)
        lock.lock()
        if entries[path]?.inode == entry.inode { entries[path]?.transformed = (key, data) }
        lock.unlock()
        return data
    }
}
