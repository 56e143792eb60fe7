#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import EventFold
import Foundation
import Metrics
import Reading
import ReportCore
import Site

/// The build cache under the project, `.inbox-report/cache/` (`docs/cli.md`, *The build cache*): what each data
/// file contributed to the last build, the fold of all recipient events, and the report computed from them, so
/// the next build reads only what is new.
///
/// Two files, each written whole (temporary file, then rename) in the binary format of `CacheFile`
/// (versioned, checksummed):
/// - `inputs.bin`: per data file its path, size, modification time, inode and a content checksum, and what it
///   contributed apart from recipient events (campaign rows, provider data, warnings, counts); then the report.
///   A build where no data file changed reads only this (a note or template edit draws pages from it).
/// - `events.bin`: which files, by path and content checksum, the fold of every event file's recipient events
///   (`EventAccumulator`) holds; the fold itself is in one file per shard (`events.0.bin`, …, each named in
///   `events.bin` by its checksum), written and read side by side. A build that adds files loads it and folds
///   only the new ones into it. A build that folds a few new files onto it (at most an eighth of the bytes
///   it holds, `foldedOnTopIsSmall`) leaves it as it is: the next build folds them onto it again, which costs less than
///   writing the whole fold each week. A fold cannot be unfolded: when a file it holds changed or is gone,
///   every event file is read again. Nor can a file be folded in under others: files are folded in the order
///   of their paths (a message keeps the first bounce or deferral reason in that order), so a new event file
///   that sorts before one the fold holds means every event file is read again too.
///
/// A file is unchanged while its size, modification time (nanoseconds) and inode are; when only the time or
/// inode moved (a copy, a `touch`), its content checksum decides. Everything is keyed by the inbox-report
/// version, report.yml's text and the options that shape figures (`--lenient`, `--language`); any other key
/// means a fresh start. A damaged, cut or older file is left aside with one warning, never trusted.
/// The cache holds recipient addresses (the fold needs them): it lives beside `data/`, is ignored by the
/// scaffold's .gitignore, and never goes into the site. Two builds on one project take turns (a lock file).
public final class BuildCache: @unchecked Sendable {
    public static let folder = ".inbox-report/cache"

    struct Fingerprint: Equatable {
        var size: UInt64
        var modified: Int64  // nanoseconds since 1970
        var inode: UInt64

        init?(_ path: String) {
            var st = stat()
            guard stat(path, &st) == 0 else { return nil }  // follows links, as the readers do
            size = UInt64(st.st_size)
            modified = Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
            inode = UInt64(st.st_ino)
        }

        init(size: UInt64, modified: Int64, inode: UInt64) {
            self.size = size
            self.modified = modified
            self.inode = inode
        }
    }

    struct Entry {
        var path: String
        var fingerprint: Fingerprint
        /// The checksum of the file's bytes; `notYetSummed` until the cache is saved (it is summed then, beside
        /// drawing the pages, not while the build waits for it).
        var content: UInt64
        static let notYetSummed: UInt64 = 0
        var hasEvents: Bool
        var contribution: FileContribution
    }

    /// What a build starts from.
    struct Inputs {
        var contributions: [FileContribution]
        var events: EventAccumulator?
        /// The report of exactly these inputs, when nothing changed since it was computed.
        var report: Report?
    }

    let directory: URL
    let enabled: Bool
    private let lock = NSLock()
    /// The last build's entries and report, kept by a long-lived cache (the preview server) so a note edit
    /// does not even read `inputs.bin`.
    private var memory: (key: String, entries: [String: Entry], report: Report?, stamp: UInt64)?
    /// The last build's key, the stamp of its report and whether that report came from the cache (so the
    /// pages drawn from it before may stand in for drawing them again).
    private(set) var last: (key: String, stamp: UInt64, reportWasCached: Bool)?
    private var site: SiteRecord?
    private let keepsMemory: Bool
    /// Data files read (not taken from the cache) by the last build, for tests and the terminal.
    public private(set) var lastRead: [String] = []
    /// Which recipients the last build's walk of the insights went through (nil: it had none).
    public private(set) var lastWalk: InsightsWalk?
    /// Pages the last build took from its output folder instead of drawing them (`reuse`).
    public var lastReused: Int { lock.lock(); defer { lock.unlock() }; return reusedPages }
    /// Pages the last build took from its output folder by digest, with today's chrome slots (`earlier`).
    public var lastRefilled: Int { lock.lock(); defer { lock.unlock() }; return refilledPages }
    /// This build's pages as `SiteBuilder` hands them to `reuse`'s closure: the checksum of each one's note,
    /// and how many were taken from the output folder.
    private var pageNotes: [String: UInt64] = [:]
    private var reusedPages = 0
    private var refilledPages = 0
    /// The record `reuse` took pages from, for the digests of those pages.
    private var reusedFrom: SiteRecord?
    /// Why the cache was not used, said once per build (a damaged file, another version, a read-only folder).
    public private(set) var warnings: [String] = []
    /// Waits for this build's writes, then says what the cache had to say (a file set aside, a failed save).
    func settled() -> [Diagnostic] {
        waitForWrites()
        lock.lock()
        defer { lock.unlock() }
        return warnings.map { Diagnostic($0, at: SourceLocation(file: Self.folder)) }
    }

    /// - Parameters:
    ///   - enabled: false for `--no-cache`: nothing read or written.
    ///   - keepsMemory: keep the last build's entries and report in memory too (a preview session).
    ///   - writes: false to use the cache without changing it (`check`, which writes nothing).
    public init(project root: URL, enabled: Bool = true, keepsMemory: Bool = false, writes: Bool = true) {
        directory = root.appending(path: Self.folder)
        self.enabled = enabled
        self.keepsMemory = keepsMemory
        self.writes = writes
    }

    let writes: Bool

    var inputsFile: URL { directory.appending(path: "inputs.bin") }
    var eventsFile: URL { directory.appending(path: "events.bin") }
    /// Shard `i` of the fold that `events.bin` names (`events.0.bin`, …).
    func shardFile(_ i: Int) -> URL { directory.appending(path: "events.\(i).bin") }

    /// Removes the shard files from `i` on (of a fold with more shards, or of none).
    private func removeShardFiles(from i: Int) {
        var i = i
        while unlink(shardFile(i).path) == 0 { i += 1 }
    }

    /// Removes the cache (`inbox-report clean`). Returns whether there was one.
    @discardableResult
    public static func remove(project root: URL) throws -> Bool {
        let dir = root.appending(path: folder)
        guard FileManager.default.fileExists(atPath: dir.path) else { return false }
        do {
            try FileManager.default.removeItem(at: dir)
        } catch {
            throw ReportError("cannot remove \(dir.path): \(error.localizedDescription)")
        }
        let parent = dir.deletingLastPathComponent()
        if (try? FileManager.default.contentsOfDirectory(atPath: parent.path))?.isEmpty == true {
            try? FileManager.default.removeItem(at: parent)
        }
        return true
    }

    // MARK: A build

    /// One build's use of the cache: holds the lock from `begin` until `finish` (or until it is dropped).
    final class Session {
        let cache: BuildCache
        let key: String
        fileprivate var lockFD: Int32 = -1
        fileprivate var entries: [String: Entry] = [:]
        /// The files this build has, with what is known of them now.
        fileprivate var current: [Entry] = []
        fileprivate var eventsChanged = false
        fileprivate var inputsChanged = false
        /// Names the report: a new one for each report computed.
        fileprivate var stamp: UInt64 = 0

        init(cache: BuildCache, key: String) {
            self.cache = cache
            self.key = key
        }

        deinit {
            if lockFD >= 0 {
                flock(lockFD, LOCK_UN)
                close(lockFD)
            }
        }
    }

    /// The key of the figures: anything else in it than the last build's means nothing cached applies.
    static func key(configText: String, options: BuildOptions) -> String {
        "inbox-report \(InboxReportVersion.string)\u{0}shards \(EventAccumulator.defaultShardCount)\u{0}lenient \(options.lenient)\u{0}language \(options.language ?? "")\u{0}\(configText)"
    }

    /// Each data file's contribution, the fold of their events and, when nothing changed, the report: from the
    /// cache where it holds them, read anew where not.
    func inputs(session s: Session, reader: ProjectReader, config: ReportConfig, files: [String], needsEvents: Bool,
                progress: ((String, Int64, Int64) -> Void)?) throws -> Inputs {
        waitForWrites()  // the last build's files, before this one reads them
        lock.lock()
        defer { lock.unlock() }
        warnings = []
        lastRead = []
        var cachedReport: Report?
        var storedReport: [UInt8]?  // decoded only when it is used: a build that adds a file computes its own
        last = nil
        if enabled {
            s.lockFD = takeLock()
            if let memory, memory.key == s.key {
                s.entries = memory.entries
                cachedReport = memory.report
                s.stamp = memory.stamp
            } else {
                let started = Date()
                (s.entries, storedReport, s.stamp) = readInputs(key: s.key, config: config)
                Timing.say(String(format: "inputs.bin read in %.3f s", Date().timeIntervalSince(started)))
            }
        }
        // What is known of each file now: unchanged ones keep their entry.
        var unchanged: [String: Entry] = [:]
        for file in files {
            let path = reader.root.appending(path: file).path
            guard let print = Fingerprint(path), var old = s.entries[file] else { continue }
            if old.fingerprint != print {
                guard old.fingerprint.size == print.size, StreamChecksum.ofFile(path) == old.content else { continue }
                old.fingerprint = print  // touched or copied, the same bytes
                s.inputsChanged = true
            }
            unchanged[file] = old
        }
        let allUnchanged = unchanged.count == files.count && s.entries.count == files.count
        if allUnchanged, !needsEvents, let cachedReport = cachedReport ?? storedReport.flatMap({ decodeReport($0, config: config) }) {
            s.current = files.map { unchanged[$0]! }
            last = (s.key, s.stamp, true)
            return Inputs(contributions: s.current.map(\.contribution), events: nil, report: cachedReport)
        }
        let foldStarted = Date()
        // The fold: the cached one when every file it holds is here unchanged, else a new one.
        var snapshot: (events: EventAccumulator, held: Set<String>)?
        let cachedEvents = enabled ? readEvents(key: s.key) : nil
        if cachedEvents != nil { Timing.say(String(format: "the fold read from the cache in %.3f s", Date().timeIntervalSince(foldStarted))) }
        if let (events, files) = cachedEvents,
           files.allSatisfy({ unchanged[$0.path]?.content == $0.content && unchanged[$0.path]?.hasEvents == true }) {
            snapshot = (events, Set(files.map(\.path)))
        }
        var read = try fold(files, onto: snapshot, unchanged: unchanged, session: s, reader: reader, config: config, progress: progress)
        if read == nil {
            snapshot = nil
            // An event file that sorts before one the cached fold holds: folding it last would not be folding the
            // files in order, and a message keeps the first bounce or deferral reason in that order. All again.
            read = try fold(files, onto: nil, unchanged: unchanged, session: s, reader: reader, config: config, progress: progress)
        }
        Timing.say(String(format: "fold read from the cache and files folded in: %.3f s", Date().timeIntervalSince(foldStarted)))
        let (out, events, errors) = read!
        if !errors.isEmpty { throw ReportErrors(errors) }
        s.inputsChanged = true
        if let snapshot, s.eventsChanged, Self.foldedOnTopIsSmall(s.current, held: snapshot.held) {
            s.eventsChanged = false  // events.bin stands; the files folded onto it are read again next time
        }
        return Inputs(contributions: out, events: events.eventCount > 0 ? events : nil, report: nil)
    }

    /// Whether the files about to be folded onto a cached fold are worth reading once more for their recipients
    /// first (`TouchMarkers`): at most an eighth of the bytes the fold holds, as for `foldedOnTopIsSmall`. That
    /// read costs what parsing them does; it pays back the walk over every recipient (0.3 s on the 10M bench)
    /// when they touch few, and when they touch most (a weekly newsletter to the whole list) it is lost, so it
    /// is kept to files a small part of the year: a quarter of the year in one file (146 MB onto 680 MB) was
    /// 0.5 s of parsing for nothing.
    /// Files folded onto a cached fold are few while they are at most 1/`smallOnTop` of the bytes it holds.
    static let smallOnTop: UInt64 = 8

    static func marksTouched(reading paths: [String], held: [Entry]) -> Bool {
        let onTop = paths.reduce(UInt64(0)) { $0 + (Fingerprint($1)?.size ?? 0) }
        let heldBytes = held.reduce(UInt64(0)) { $0 + ($1.hasEvents ? $1.fingerprint.size : 0) }
        return onTop * smallOnTop <= heldBytes
    }

    /// Whether the event files folded onto a cached fold are small enough, against the files it holds, that
    /// the next build had better read them again than this one rewrite `events.bin`: at most an eighth of the
    /// bytes. Rewriting the fold of a year of weekly exports (10M events, 181 MB) costs about what reading 15 %
    /// of them does, so a new week's export is folded on top of the same `events.bin` for about six weeks
    /// before the fold is written again with them in it.
    static func foldedOnTopIsSmall(_ current: [Entry], held: Set<String>) -> Bool {
        var heldBytes: UInt64 = 0, onTop: UInt64 = 0
        for e in current where e.hasEvents {
            if held.contains(e.path) { heldBytes += e.fingerprint.size } else { onTop += e.fingerprint.size }
        }
        return onTop * smallOnTop <= heldBytes
    }

    /// Folds the event files the snapshot does not hold onto it (onto a new fold without one), in the order of
    /// `files`, which is the order a build without the cache folds them in; every other file's contribution
    /// comes from `unchanged` when it is there. Nil when a file read turns out to hold events and sorts before
    /// the last file the snapshot holds: that fold would not be the files' in order.
    private func fold(_ files: [String], onto snapshot: (events: EventAccumulator, held: Set<String>)?, unchanged: [String: Entry],
                      session s: Session, reader: ProjectReader, config: ReportConfig,
                      progress: ((String, Int64, Int64) -> Void)?) throws -> ([FileContribution], EventAccumulator, [ReportError])? {
        let held = snapshot?.held ?? []
        let lastHeld = files.lastIndex(where: held.contains) ?? -1
        let fold = snapshot?.events ?? EventAccumulator()
        s.current = []
        s.eventsChanged = snapshot == nil
        lastRead = []
        var out: [FileContribution] = []
        var errors: [ReportError] = []
        let isFolded = { (file: String) in unchanged[file].map { !$0.hasEvents || held.contains(file) } ?? false }
        let toRead = files.filter { !isFolded($0) }
        if Self.marksTouched(reading: toRead.map { reader.root.appending(path: $0).path }, held: held.compactMap { unchanged[$0] }),
           let markers = fold.touchMarkers() {
            // The cached walk of the fold stands for the recipients the new files do not touch: find the others
            // first, while the fold is as the walk saw it (`InsightsBase`). A file that cannot be read here is
            // said by the fold below; its recipients are not all marked, and the walk starts over.
            let started = Date()
            if (try? toRead.forEach { _ = try reader.readFile($0, config: config, into: markers) }) != nil {
                let marked = Date()
                fold.noteTouched(markers)
                Timing.say(String(format: "touched recipients found in %.3f s, their share of the cached walk in %.3f s",
                                  marked.timeIntervalSince(started), Date().timeIntervalSince(marked)))
            }
        }
        for (index, file) in files.enumerated() {
            if let entry = unchanged[file], isFolded(file) {
                out.append(entry.contribution)
                s.current.append(entry)
                continue
            }
            lastRead.append(file)
            do {
                let before = fold.eventCount
                let path = reader.root.appending(path: file).path
                // Taken before reading: a file changed while it is read is read again next time.
                let print = Fingerprint(path) ?? Fingerprint(size: 0, modified: 0, inode: 0)
                let contribution = try reader.readFile(
                    file, config: config, into: fold, progress: progress.map { p in { done, total in p(file, done, total) } })
                let entry = Entry(
                    path: file, fingerprint: print, content: contribution.contentChecksum ?? unchanged[file]?.content ?? Entry.notYetSummed,
                    hasEvents: fold.eventCount > before, contribution: contribution)
                if entry.hasEvents {
                    if index < lastHeld { return nil }
                    s.eventsChanged = true
                }
                out.append(contribution)
                s.current.append(entry)
            } catch let e as ReportErrors {
                errors += e.errors
            }
            if errors.count >= 50 { break }
        }
        if !s.eventsChanged && Set(s.current.filter(\.hasEvents).map(\.path)) != held { s.eventsChanged = true }
        return (out, fold, errors)
    }

    /// Keeps what this build read and computed for the next one: the files are summed and written on a
    /// background thread (while the pages are drawn); `waitForWrites()` waits for them. The session's lock is
    /// held until they are written.
    func finish(session s: Session, report: Report, events: EventAccumulator?) {
        lock.lock()
        defer { lock.unlock() }
        lastWalk = events?.lastWalk
        if let walk = lastWalk { Timing.say("insights walked \(walk)") }
        if last == nil {
            s.stamp = UInt64.random(in: 1 ... .max)
            last = (s.key, s.stamp, false)
        }
        let root = directory.deletingLastPathComponent().deletingLastPathComponent()
        let save = enabled && writes && s.lockFD >= 0 && (s.inputsChanged || s.eventsChanged)
        let work = Unchecked((s, report, events))
        DispatchQueue.global().async(group: pendingWrites) { [self] in
            let (s, report, events) = work.value
            // Sum the files read this time, if they are still the bytes that were read.
            for i in s.current.indices where s.current[i].content == Entry.notYetSummed && (save || keepsMemory) {
                let path = root.appending(path: s.current[i].path).path
                let sum = StreamChecksum.ofFile(path)
                if let sum, Fingerprint(path) == s.current[i].fingerprint { s.current[i].content = sum }
            }
            lock.lock()
            defer { lock.unlock() }
            if keepsMemory {
                memory = (s.key, Dictionary(s.current.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a }), report, s.stamp)
            }
            guard save else { return }
            do {
                let started = Date()
                try write(session: s, report: report, events: events)
                Timing.say(String(format: "cache written in the background in %.2f s", Date().timeIntervalSince(started)))
            } catch {
                warnings.append("the build cache was not saved: \(error)")
            }
        }
    }

    /// Waits until what `finish` started is written.
    func waitForWrites() { pendingWrites.wait() }
    private let pendingWrites = DispatchGroup()

    private func write(session s: Session, report: Report, events: EventAccumulator?) throws {
        if s.eventsChanged {
            if let events {
                // The shards side by side, each in its own file, then events.bin naming them by checksum: a
                // shard file that is not the one events.bin names (a save cut off between them) is not used.
                let checksums = try events.write { i in
                    let w = try CacheWriter(shardFile(i))
                    w.string(s.key)
                    return w
                }
                let w = try CacheWriter(eventsFile)
                w.string(s.key)
                let held = s.current.filter(\.hasEvents)
                w.int(held.count)
                for e in held {
                    w.string(e.path)
                    w.int(e.content)
                }
                w.int(checksums.count)
                for sum in checksums { w.int(sum) }
                w.bool(events.insightsBase != nil)
                events.insightsBase?.write(to: w)
                try w.commit()
                removeShardFiles(from: checksums.count)
            } else {
                unlink(eventsFile.path)
                removeShardFiles(from: 0)
            }
        }
        let w = try CacheWriter(inputsFile)
        w.string(s.key)
        w.int(s.current.count)
        for e in s.current {
            w.string(e.path)
            w.int(e.fingerprint.size)
            w.int(UInt64(bitPattern: e.fingerprint.modified))
            w.int(e.fingerprint.inode)
            w.int(e.content)
            w.bool(e.hasEvents)
            w.array(try CompactCoder.encode(e.contribution))
        }
        w.int(s.stamp)
        w.array(try CompactCoder.encode(report))
        try w.commit()
    }

    /// The report and each file's contribution are `Codable` values inside the binary file, in `CompactCoder`'s
    /// form: a note edit decodes a year's report (1.7 MB as JSON) before it draws anything, and `JSONDecoder`
    /// took about twice as long over it (a binary property list, four times).
    static func decode<T: Decodable>(_ type: T.Type, _ bytes: [UInt8], config: ReportConfig) throws -> T {
        try CompactCoder.decode(type, from: bytes, userInfo: [Report.configKey: config])
    }

    // MARK: Pages

    /// What the last build drew into its output folder: per page the checksum of the note it shows and of its
    /// bytes, for the report of `stamp` through templates of checksum `drawing`; and, for a page drawn with
    /// its chrome's slots, its digest and where the slots are (`ChromeSlot`).
    struct SiteRecord {
        var key: String
        var stamp: UInt64
        var drawing: UInt64
        var output: String
        var pages: [String: Page]

        struct Page {
            var note: UInt64
            var size: Int
            var bytes: UInt64
            var digest: UInt64?
            var slots: [SlotPosition] = []
        }
    }

    var siteFile: URL { directory.appending(path: "site.bin") }

    /// The last build's record of its pages, if it drew through these templates into this folder.
    private func siteRecord(drawing: UInt64, output: URL) -> SiteRecord? {
        guard enabled, let record = site ?? readSite(), record.drawing == drawing, record.output == output.path else { return nil }
        return record
    }

    /// A page of the last build's output folder, if it is still the bytes written.
    private static func intact(_ page: SiteRecord.Page, at path: String, in output: URL) -> Data? {
        guard let data = FileManager.default.contents(atPath: output.appending(path: path).path), data.count == page.size,
              data.withUnsafeBytes({ StreamChecksum.of($0) }) == page.bytes else { return nil }
        return data
    }

    /// Pages of the last build that stand in for drawing them again: only when this build's report is the very
    /// one they were drawn from (taken from the cache), through the same templates, into the same folder,
    /// their note unchanged and their file in the output folder still the bytes written. `notes` collects each
    /// page's note checksum for `recordSite`.
    func reuse(drawing: UInt64, output: URL) -> SiteBuilder.Reuse {
        lock.lock()
        defer { lock.unlock() }
        var record: SiteRecord?
        pageNotes = [:]
        reusedPages = 0
        refilledPages = 0
        if let last, last.reportWasCached, let candidate = siteRecord(drawing: drawing, output: output),
           candidate.key == last.key, candidate.stamp == last.stamp {
            record = candidate
        }
        reusedFrom = record
        return { [self] path, note in
            let sum = note.map { StreamChecksum.of(Array($0.utf8)) } ?? 0
            lock.lock()
            pageNotes[path] = sum
            lock.unlock()
            guard let page = record?.pages[path], page.note == sum, let data = Self.intact(page, at: path, in: output) else { return nil }
            lock.lock()
            reusedPages += 1
            lock.unlock()
            return data
        }
    }

    /// Pages of the last build, whatever its report, by digest (`SiteBuilder.Earlier`): drawn through the same
    /// templates into the same folder, and their file there still the bytes written.
    func earlier(drawing: UInt64, output: URL) -> SiteBuilder.Earlier? {
        lock.lock()
        defer { lock.unlock() }
        guard let record = siteRecord(drawing: drawing, output: output) else { return nil }
        var byDigest: [UInt64: String] = [:]
        for (path, page) in record.pages.sorted(by: { $0.key < $1.key }) {
            if let digest = page.digest, byDigest[digest] == nil { byDigest[digest] = path }
        }
        return { [self] digest in
            guard let path = byDigest[digest], let page = record.pages[path],
                  let data = Self.intact(page, at: path, in: output) else { return nil }
            lock.lock()
            refilledPages += 1
            lock.unlock()
            return (data, page.slots)
        }
    }

    /// Keeps what this build drew (after the site is written) for the next build's `reuse` and `earlier`.
    /// A page taken by `reuse` keeps the digest and slots it had.
    func recordSite(drawing: UInt64, output: URL, site drawn: SiteBuilder.Drawn) {
        lock.lock()
        defer { lock.unlock() }
        guard enabled, writes, let last else { return }
        var pages: [String: SiteRecord.Page] = [:]
        for (path, note) in pageNotes {
            guard let data = drawn.files[path] else { continue }
            var page = SiteRecord.Page(note: note, size: data.count, bytes: data.withUnsafeBytes { StreamChecksum.of($0) })
            if let marks = drawn.pages[path] {
                page.digest = marks.digest
                page.slots = marks.slots
            } else if let before = reusedFrom?.pages[path], before.size == page.size, before.bytes == page.bytes {
                page.digest = before.digest
                page.slots = before.slots
            }
            pages[path] = page
        }
        let record = SiteRecord(key: last.key, stamp: last.stamp, drawing: drawing, output: output.path, pages: pages)
        if keepsMemory { site = record }
        do {
            let w = try CacheWriter(siteFile)
            w.string(record.key)
            w.int(record.stamp)
            w.int(record.drawing)
            w.string(record.output)
            w.int(pages.count)
            for (path, p) in pages.sorted(by: { $0.key < $1.key }) {
                w.string(path)
                w.int(p.note)
                w.int(p.size)
                w.int(p.bytes)
                w.int(p.digest == nil ? 0 : 1)
                w.int(p.digest ?? 0)
                w.int(p.slots.count)
                for slot in p.slots {
                    w.int(Int(slot.slot.rawValue))
                    w.int(slot.offset)
                    w.int(slot.length)
                }
            }
            try w.commit()
        } catch {
            warnings.append("the build cache was not saved: \(error)")
        }
    }

    private func readSite() -> SiteRecord? {
        do {
            guard let r = try CacheReader(siteFile) else { return nil }
            var record = SiteRecord(key: try r.string(), stamp: try r.int(), drawing: try r.int(), output: try r.string(), pages: [:])
            let n = try r.count(of: 56)
            for _ in 0..<n {
                let path = try r.string()
                var page = SiteRecord.Page(note: try r.int(), size: try r.int(), bytes: try r.int())
                let hasDigest: Int = try r.int()
                let digest: UInt64 = try r.int()
                if hasDigest == 1 { page.digest = digest }
                let slots = try r.count(of: 24)
                for _ in 0..<slots {
                    let kind: Int = try r.int()
                    guard let slot = ChromeSlot(rawValue: UInt8(clamping: kind)) else {
                        throw CacheFileError("a page slot of an unknown kind (\(kind))")
                    }
                    page.slots.append(SlotPosition(slot: slot, offset: try r.int(), length: try r.int()))
                }
                record.pages[path] = page
            }
            try r.finish()
            return record
        } catch {
            setAside(siteFile, error)
            return nil
        }
    }

    // MARK: Files

    /// Creates the folder and takes the lock, waiting for another build that holds it; -1 (no cache this
    /// time, with a warning) when the folder cannot be written.
    private func takeLock() -> Int32 {
        if !writes {
            // Reading only: a shared lock, and no folder made where there is none.
            let fd = open(directory.appending(path: "lock").path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { return -1 }
            while flock(fd, LOCK_SH) != 0 && errno == EINTR {}
            return fd
        }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            warnings.append("no build cache: cannot create \(directory.path) (\(error.localizedDescription))")
            return -1
        }
        let fd = open(directory.appending(path: "lock").path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            warnings.append("no build cache: cannot open \(directory.path)/lock (\(String(cString: strerror(errno))))")
            return -1
        }
        while flock(fd, LOCK_EX) != 0 && errno == EINTR {}
        return fd
    }

    /// Removes a cache file that cannot be used, and says so once per build (another version's files are all
    /// set aside for the same reason).
    private func setAside(_ file: URL, _ why: Error) {
        if writes { unlink(file.path) }
        guard !warnings.contains(where: { $0.hasPrefix("ignored the build cache") }) else { return }
        warnings.append("ignored the build cache \(Self.folder)/\(file.lastPathComponent) and rebuilt it: \(why)")
    }

    private func readInputs(key: String, config: ReportConfig) -> ([String: Entry], [UInt8]?, UInt64) {
        do {
            guard let r = try CacheReader(inputsFile) else { return ([:], nil, 0) }
            guard try sameKey(r.string(), key, file: inputsFile) else { return ([:], nil, 0) }
            let n = try r.count(of: 49)
            var entries: [String: Entry] = [:]
            for _ in 0..<n {
                let path = try r.string()
                let print = Fingerprint(size: try r.int(), modified: Int64(bitPattern: try r.int()), inode: try r.int())
                let content: UInt64 = try r.int()
                let hasEvents = try r.bool()
                let contribution = try Self.decode(FileContribution.self, try r.array(UInt8.self), config: config)
                entries[path] = Entry(path: path, fingerprint: print, content: content, hasEvents: hasEvents, contribution: contribution)
            }
            let stamp: UInt64 = try r.int()
            let report = try r.array(UInt8.self)
            try r.finish()
            return (entries, report, stamp)
        } catch {
            setAside(inputsFile, error)
            return ([:], nil, 0)
        }
    }

    /// The report `inputs.bin` holds; nil (the file set aside) when it cannot be decoded.
    private func decodeReport(_ bytes: [UInt8], config: ReportConfig) -> Report? {
        do {
            return try Self.decode(Report.self, bytes, config: config)
        } catch {
            setAside(inputsFile, error)
            return nil
        }
    }

    private func readEvents(key: String) -> (EventAccumulator, [(path: String, content: UInt64)])? {
        do {
            guard let r = try CacheReader(eventsFile) else { return nil }
            guard try sameKey(r.string(), key, file: eventsFile) else { return nil }
            let n = try r.count(of: 16)
            var files: [(path: String, content: UInt64)] = []
            for _ in 0..<n { files.append((try r.string(), try r.int())) }
            let shards = try r.count(of: 8)
            let sums: [UInt64] = try (0..<shards).map { _ in try r.int() }
            let base = try r.bool() ? try InsightsBase(reading: r) : nil
            try r.finish()
            // The shards side by side, each from its own file.
            let file = { @Sendable (i: Int) in self.shardFile(i) }
            let events = try EventAccumulator.read(shards: shards, open: { i in
                guard let sr = try CacheReader(file(i)) else { throw CacheFileError("it is missing") }
                guard try sr.string() == key else { throw CacheFileError("it was written for other figures") }
                return sr
            }, close: { i, sr in
                guard try sr.finish() == sums[i] else { throw CacheFileError("it is not the one events.bin names") }
            })
            guard let events else { return nil }
            if let base { events.adopt(base) }
            return (events, files)
        } catch let e as EventAccumulator.ShardReadError {
            setAside(shardFile(e.shard), e.why)
            if writes { unlink(eventsFile.path) }
            return nil
        } catch {
            setAside(eventsFile, error)
            return nil
        }
    }

    /// Whether a cache file was written for these figures; one made by another inbox-report is said.
    private func sameKey(_ stored: String, _ key: String, file: URL) throws -> Bool {
        if stored == key { return true }
        let version = { (k: String) in k.split(separator: "\u{0}", maxSplits: 1).first.map(String.init) ?? "" }
        if version(stored) != version(key) {
            throw CacheFileError("it was made by \(version(stored).isEmpty ? "another version" : version(stored)), this is inbox-report \(InboxReportVersion.string)")
        }
        return false  // settings or options changed: a fresh start, nothing to say
    }
}
