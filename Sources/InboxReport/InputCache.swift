import EventFold
import Foundation
import Metrics
import Reading
import ReportCore

/// What each data file contributed to the last build, so the next build re-reads only files that changed
/// (the preview server keeps one across rebuilds). A file is unchanged while its size, modification time
/// and inode are; `report.yml` changing clears everything, since its time zone and mappings shape every row.
public final class InputCache: @unchecked Sendable {
    struct Fingerprint: Equatable {
        var size: UInt64
        var modified: Double
        var inode: UInt64
    }

    struct Entry {
        var fingerprint: Fingerprint
        var contribution: FileContribution
        var events: EventAccumulator?
    }

    private let lock = NSLock()
    private var configText: String?
    private var entries: [String: Entry] = [:]
    /// Files read (not taken from the cache) by the last build, for tests and the terminal.
    public private(set) var lastRead: [String] = []
    /// Whether the last call found any data file or setting changed, added or removed.
    private(set) var inputsChanged = true
    /// The report computed from these inputs, reused while they do not change (a note edit redraws pages only).
    var report: Report?
    var events: EventAccumulator?

    /// Whether each file's events are kept apart (to re-read only changed files next time). A one-shot build
    /// folds every file into one accumulator instead: no merge, and half the memory.
    let keepsFiles: Bool

    public init() { keepsFiles = true }

    /// A cache for one build only.
    static func oneShot() -> InputCache { InputCache(keepingFiles: false) }

    private init(keepingFiles: Bool) { keepsFiles = keepingFiles }

    static func fingerprint(_ url: URL) -> Fingerprint? {
        // Follow links: a file under data/ may be a link to an export elsewhere.
        guard let a = try? FileManager.default.attributesOfItem(atPath: url.resolvingSymlinksInPath().path) else { return nil }
        return Fingerprint(
            size: (a[.size] as? NSNumber)?.uint64Value ?? 0,
            modified: (a[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0,
            inode: (a[.systemFileNumber] as? NSNumber)?.uint64Value ?? 0)
    }

    /// Each file's contribution and events, read anew where the file changed.
    func contributions(reader: ProjectReader, config: ReportConfig, configText: String, files: [String],
                       progress: ((String, Int64, Int64) -> Void)? = nil) throws -> [(FileContribution, EventAccumulator?)]
    {
        lock.lock()
        defer { lock.unlock() }
        var changed = false
        if configText != self.configText {
            entries = [:]
            self.configText = configText
            changed = true
        }
        if Set(entries.keys) != Set(files) { changed = true }
        var out: [(FileContribution, EventAccumulator?)] = []
        let shared = keepsFiles ? nil : EventAccumulator()
        var errors: [ReportError] = []
        var read: [String] = []
        var keep: [String: Entry] = [:]
        for file in files {
            let print = Self.fingerprint(reader.root.appending(path: file))
            if let print, let cached = entries[file], cached.fingerprint == print {
                keep[file] = cached
                out.append((cached.contribution, cached.events))
                continue
            }
            read.append(file)
            do {
                let accumulator = shared ?? EventAccumulator()
                let before = accumulator.eventCount
                let contribution = try reader.readFile(
                    file, config: config, into: accumulator,
                    progress: progress.map { p in { done, total in p(file, done, total) } })
                // With one shared accumulator, the first file with events carries it.
                let events = accumulator.eventCount > 0 && (shared == nil || before == 0) ? accumulator : nil
                if let print { keep[file] = Entry(fingerprint: print, contribution: contribution, events: events) }
                out.append((contribution, events))
            } catch let e as ReportErrors {
                errors += e.errors
            }
            if errors.count >= 50 { break }
        }
        entries = keep  // deleted files drop out
        lastRead = read
        inputsChanged = changed || !read.isEmpty
        if !errors.isEmpty { throw ReportErrors(errors) }
        return out
    }
}
