import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Watches folders (recursively) and single files, and reports changed paths. Uses inotify on Linux, and
/// falls back to polling modification times where inotify is unavailable (or fails, e.g. out of watches).
/// Callbacks come on a background thread, unbatched: debouncing is the scheduler's job.
public final class FileWatcher: @unchecked Sendable {
    public let paths: [URL]
    private let onChange: @Sendable ([String]) -> Void
    private let lock = NSLock()
    private var running = false
    private let pollInterval: TimeInterval
    public private(set) var usesInotify = false

    /// - Parameters:
    ///   - paths: folders and files to watch; ones that do not exist yet are watched through their parent.
    ///   - onChange: receives the changed paths.
    public init(paths: [URL], pollInterval: TimeInterval = 0.4, onChange: @escaping @Sendable ([String]) -> Void) {
        self.paths = paths.map(\.standardizedFileURL)
        self.pollInterval = pollInterval
        self.onChange = onChange
    }

    public func start(forcePolling: Bool = false) {
        lock.lock()
        running = true
        lock.unlock()
        #if os(Linux)
        if !forcePolling, let inotify = Inotify(paths: paths) {
            usesInotify = true
            let thread = Thread { [self] in inotifyLoop(inotify) }
            thread.name = "inbox-report watch"
            thread.start()
            return
        }
        #endif
        // The first picture is taken now, not when the thread gets going: a change saved right after `start`
        // returns must be seen (under load the thread may start late).
        let first = snapshot()
        let thread = Thread { [self] in pollLoop(from: first) }
        thread.name = "inbox-report poll"
        thread.start()
    }

    public func stop() {
        lock.lock()
        running = false
        lock.unlock()
    }

    private var isRunning: Bool {
        lock.lock()
        defer { lock.unlock() }
        return running
    }

    // MARK: Polling

    private func snapshot() -> [String: (Double, UInt64)] {
        var out: [String: (Double, UInt64)] = [:]
        let fm = FileManager.default
        func add(_ path: String) {
            if let a = try? fm.attributesOfItem(atPath: path) {
                out[path] = ((a[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0, (a[.size] as? NSNumber)?.uint64Value ?? 0)
            }
        }
        for url in paths {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: url.path, isDirectory: &isDir) else { continue }
            add(url.path)
            if isDir.boolValue, let walker = fm.enumerator(atPath: url.path) {
                for case let rel as String in walker { add(url.path + "/" + rel) }
            }
        }
        return out
    }

    private func pollLoop(from first: [String: (Double, UInt64)]) {
        var last = first
        while isRunning {
            Thread.sleep(forTimeInterval: pollInterval)
            let now = snapshot()
            var changed: [String] = []
            for (path, stamp) in now where last[path].map({ $0 != stamp }) ?? true { changed.append(path) }
            for path in last.keys where now[path] == nil { changed.append(path) }
            last = now
            if !changed.isEmpty { onChange(changed.sorted()) }
        }
    }

    // MARK: inotify

    #if os(Linux)
    private func inotifyLoop(_ inotify: Inotify) {
        defer { inotify.close() }
        while isRunning {
            var pfd = pollfd(fd: inotify.fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pfd, 1, 250)
            guard ready > 0 else { continue }
            let changed = inotify.read()
            if !changed.isEmpty { onChange(changed) }
        }
    }
    #endif
}

#if os(Linux)
/// A thin wrapper over the kernel's inotify: one watch per folder, added for new folders as they appear.
final class Inotify: @unchecked Sendable {
    let fd: Int32
    private var folders: [Int32: String] = [:]
    /// Watches on a folder only for one of its files (report.yml): other names there are not reported.
    private var fileParents: Set<Int32> = []
    private var files: Set<String> = []
    private static let mask = UInt32(IN_MODIFY | IN_CLOSE_WRITE | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_ATTRIB | IN_DELETE_SELF)

    init?(paths: [URL]) {
        fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard fd >= 0 else { return nil }
        for url in paths {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir), isDir.boolValue {
                guard addTree(url.path) else { Glibc.close(fd); return nil }
            } else {
                // A single file (report.yml), or a folder that does not exist yet: watch its parent.
                files.insert(url.path)
                let parent = url.deletingLastPathComponent().path
                if let existing = folders.first(where: { $0.value == parent })?.key {
                    fileParents.insert(existing)
                } else {
                    guard add(parent) else { Glibc.close(fd); return nil }
                    fileParents.insert(folders.first { $0.value == parent }!.key)
                }
            }
        }
    }

    @discardableResult
    private func add(_ folder: String) -> Bool {
        let wd = inotify_add_watch(fd, folder, Self.mask)
        guard wd >= 0 else { return false }
        folders[wd] = folder
        return true
    }

    private func addTree(_ folder: String) -> Bool {
        guard add(folder) else { return false }
        let fm = FileManager.default
        for name in (try? fm.contentsOfDirectory(atPath: folder)) ?? [] {
            var isDir: ObjCBool = false
            let path = folder + "/" + name
            if fm.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue, !addTree(path) { return false }
        }
        return true
    }

    /// Reads pending events; returns the changed paths that are being watched.
    func read() -> [String] {
        var changed: [String] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = Glibc.read(fd, &buffer, buffer.count)
            guard n > 0 else { break }
            var offset = 0
            let header = MemoryLayout<inotify_event>.size
            while offset + header <= n {
                let (wd, mask, length) = buffer.withUnsafeBytes { raw -> (Int32, UInt32, Int) in
                    let e = raw.loadUnaligned(fromByteOffset: offset, as: inotify_event.self)
                    return (e.wd, e.mask, Int(e.len))
                }
                var name = ""
                if length > 0 {
                    let bytes = buffer[(offset + header)..<(offset + header + length)]
                    name = String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
                }
                offset += header + length
                guard let folder = folders[wd] else { continue }
                let path = name.isEmpty ? folder : folder + "/" + name
                // A parent watched only for single files reports only those files (never the output folder).
                if fileParents.contains(wd) && !files.contains(path) { continue }
                if mask & UInt32(IN_ISDIR) != 0 && mask & UInt32(IN_CREATE | IN_MOVED_TO) != 0 {
                    _ = addTree(path)  // a new folder under data/ (or a watched folder appearing) is watched too
                }
                if mask & UInt32(IN_IGNORED) != 0 { folders[wd] = nil }
                changed.append(path)
            }
        }
        return Array(Set(changed)).sorted()
    }

    func close() {
        Glibc.close(fd)
    }
}
#endif
