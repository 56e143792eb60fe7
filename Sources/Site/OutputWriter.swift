import ReportCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes a built site as a whole: into a temporary folder beside the output, then swapped in, so a failed
/// build never leaves a half-written site and a reader never sees a mix of two builds. Files whose bytes did
/// not change keep their previous file (hard-linked), so their modification times and ETags stay put.
///
/// The site swapped out is kept beside the output as `.<output>.spare`, and the next build writes into it
/// rather than into a new folder: a weekly rebuild changes most pages (their navigation lists the new week),
/// and rewriting the spare's copy of a page keeps its inode, where a new folder made a new file for every
/// page and the last build's folder was deleted. On an ext4 without a journal (as on this project's CI
/// machines) each new inode is checked against recently deleted ones, and that made writing a site 0.1 to
/// 0.4 s instead of 0.03. A spare file is rewritten in place only when nothing else links to it; the spare
/// is only ever a build's staging folder, never served.
public struct OutputWriter {
    /// Marks a folder as inbox-report output. `build` replaces only folders that carry it (or are empty).
    public static let markerName = OutputMarker.name
    static let markerText = "This folder is written by inbox-report build and replaced whole on each build.\n"

    public let output: URL

    public init(output: URL) {
        self.output = output.standardizedFileURL
    }

    /// Checks that the output folder may be replaced: missing, empty, or marked as ours.
    public func checkReplaceable() throws {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: output.path, isDirectory: &isDir) else { return }
        guard isDir.boolValue else {
            throw SiteError.output("\(output.path) is a file, not a folder; choose another --output")
        }
        let entries = (try? fm.contentsOfDirectory(atPath: output.path)) ?? []
        if entries.isEmpty || entries.contains(Self.markerName) { return }
        throw SiteError.output("\(output.path) is not empty and was not written by inbox-report (no \(Self.markerName) file); refusing to replace it. Choose another --output or empty the folder.")
    }

    /// Writes `files` and swaps them in. Returns the paths whose bytes changed (new or different).
    @discardableResult
    public func write(_ files: [String: Data]) throws -> [String] {
        try checkReplaceable()
        let fm = FileManager.default
        let parent = output.deletingLastPathComponent()
        try fm.createDirectory(at: parent, withIntermediateDirectories: true)
        let stamp = "\(getpid())-\(UInt64(Date().timeIntervalSince1970 * 1000))"
        let staging = parent.appending(path: ".\(output.lastPathComponent).building-\(stamp)")
        try? fm.removeItem(at: staging)
        // The spare is taken by renaming it: of two builds at once, one gets it and the other a new folder.
        var reusing = rename(spare.path, staging.path) == 0
        if reusing, !fm.fileExists(atPath: staging.appending(path: Self.markerName).path) {
            rename(staging.path, spare.path)  // not a site of ours: left as it was
            reusing = false
        }
        if !reusing { try fm.createDirectory(at: staging, withIntermediateDirectories: true) }
        var changed: [String] = []
        do {
            // Each folder once, a parent before its children (a prefix sorts first).
            var folders = Set<Substring>()
            for path in files.keys {
                var rest = Substring(path)
                while let slash = rest.lastIndex(of: "/") {
                    rest = rest[..<slash]
                    if !folders.insert(rest).inserted { break }
                }
            }
            if reusing { Self.removeAllBut(files: Set(files.keys).union([Self.markerName]), folders: folders, in: staging.path) }
            for folder in folders.sorted() where mkdir(staging.path + "/" + folder, 0o755) != 0 && errno != EEXIST {
                throw SiteError.output("cannot create \(staging.path)/\(folder): \(String(cString: strerror(errno)))")
            }
            for (path, data) in files.sorted(by: { $0.key < $1.key }) {
                let target = staging.path + "/" + path
                let previous = output.path + "/" + path
                if Self.holds(previous, data) {
                    if reusing, Self.sameFile(previous, target) { continue }
                    if reusing { unlink(target) }
                    if link(previous, target) == 0 { continue }
                }
                if !(reusing && Self.rewrite(target, data)) {
                    if reusing { unlink(target) }
                    try Self.create(target, data)
                }
                changed.append(path)
            }
            let marker = staging.path + "/" + Self.markerName
            if !(reusing && Self.rewrite(marker, Data(Self.markerText.utf8))) { try Self.create(marker, Data(Self.markerText.utf8)) }
        } catch {
            try? fm.removeItem(at: staging)
            if let error = error as? SiteError { throw error }
            throw SiteError.output("cannot write the site: \(error.localizedDescription)")
        }
        try swap(staging)
        return changed
    }

    /// Whether the regular file at `path` (not a link to one) holds exactly `data`.
    static func holds(_ path: String, _ data: Data) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, st.st_size == data.count else { return false }
        guard !data.isEmpty else { return true }
        var old = [UInt8](repeating: 0, count: data.count)
        var got = 0
        while got < old.count {
            let n = old.withUnsafeMutableBytes { read(fd, $0.baseAddress! + got, $0.count - got) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return false }
            got += n
        }
        return data.withUnsafeBytes { new in old.withUnsafeBytes { memcmp($0.baseAddress!, new.baseAddress!, data.count) == 0 } }
    }

    /// Whether two paths are the same file (the same inode), neither of them a link.
    static func sameFile(_ a: String, _ b: String) -> Bool {
        var sa = stat(), sb = stat()
        return lstat(a, &sa) == 0 && lstat(b, &sb) == 0 && sa.st_ino == sb.st_ino && sa.st_dev == sb.st_dev
    }

    /// Rewrites the spare's regular file at `path` in place, when no other path links to it. False when it
    /// is not such a file (missing, a folder, a symbolic link, linked elsewhere): then it is made anew.
    static func rewrite(_ path: String, _ data: Data) -> Bool {
        let fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { return false }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, st.st_nlink == 1, ftruncate(fd, 0) == 0 else {
            close(fd)
            return false
        }
        var failed = false
        data.withUnsafeBytes { bytes in
            var done = 0
            while done < bytes.count {
                let n = writeBytes(fd, bytes.baseAddress! + done, bytes.count - done)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { failed = true; return }
                done += n
            }
        }
        if close(fd) != 0 { failed = true }
        return !failed
    }

    /// Removes from a spare site at `root` every entry that is not one of `files` or `folders` (paths under
    /// it), and a folder where a file goes or a file where a folder goes.
    static func removeAllBut(files: Set<String>, folders: Set<Substring>, in root: String) {
        let fm = FileManager.default
        func walk(_ rel: String) {
            let dir = rel.isEmpty ? root : root + "/" + rel
            for name in (try? fm.contentsOfDirectory(atPath: dir)) ?? [] {
                let path = rel.isEmpty ? name : rel + "/" + name
                var st = stat()
                guard lstat(root + "/" + path, &st) == 0 else { continue }
                let isFolder = (st.st_mode & S_IFMT) == S_IFDIR
                if isFolder && folders.contains(Substring(path)) {
                    walk(path)
                } else if isFolder || !files.contains(path) {
                    try? fm.removeItem(atPath: root + "/" + path)
                }
            }
        }
        walk("")
    }

    /// Writes a new file (one that must not exist yet) with `data`.
    static func create(_ path: String, _ data: Data) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw SiteError.output("cannot write \(path): \(String(cString: strerror(errno)))") }
        var failure: Int32 = 0
        data.withUnsafeBytes { bytes in
            var done = 0
            while done < bytes.count {
                let n = writeBytes(fd, bytes.baseAddress! + done, bytes.count - done)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { failure = n < 0 ? errno : ENOSPC; return }
                done += n
            }
        }
        if close(fd) != 0 && failure == 0 { failure = errno }
        if failure != 0 { throw SiteError.output("cannot write \(path): \(String(cString: strerror(failure)))") }
    }

    /// The site before this one, beside the output, for the next build to write into.
    var spare: URL { output.deletingLastPathComponent().appending(path: ".\(output.lastPathComponent).spare") }

    private func swap(_ staging: URL) throws {
        let fm = FileManager.default
        if fm.fileExists(atPath: output.path) {
            // Exchange the two folders in one step where the kernel can (Linux renameat2), else two renames.
            if Self.exchange(staging.path, output.path) {
                // The old site is the next build's spare (unless another build left one meanwhile).
                if !fm.fileExists(atPath: spare.path), fm.fileExists(atPath: staging.appending(path: Self.markerName).path),
                   rename(staging.path, spare.path) == 0 { return }
                try? fm.removeItem(at: staging)
                return
            }
            let old = staging.deletingLastPathComponent().appending(path: staging.lastPathComponent + ".old")
            try fm.moveItem(at: output, to: old)
            do {
                try fm.moveItem(at: staging, to: output)
            } catch {
                try? fm.moveItem(at: old, to: output)
                throw SiteError.output("cannot move the new site into place: \(error.localizedDescription)")
            }
            try? fm.removeItem(at: old)
        } else {
            try fm.moveItem(at: staging, to: output)
        }
    }

    /// Swaps two paths in one step with Linux's `renameat2(…, RENAME_EXCHANGE)`, looked up at run time
    /// because the Glibc module does not export it. False where it is unavailable or fails.
    static func exchange(_ a: String, _ b: String) -> Bool {
        #if os(Linux)
        typealias Renameat2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "renameat2") else { return false }
        let renameat2 = unsafeBitCast(symbol, to: Renameat2.self)
        let atFDCWD: Int32 = -100
        let renameExchange: UInt32 = 1 << 1
        return renameat2(atFDCWD, a, atFDCWD, b, renameExchange) == 0
        #else
        return false
        #endif
    }
}

/// write(2), named apart from `OutputWriter.write`.
private func writeBytes(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int { write(fd, bytes, count) }
