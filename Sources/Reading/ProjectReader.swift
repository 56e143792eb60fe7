import EventFold
import Foundation
import ReportCore

/// Options that change how strictly input is read.
public struct ReadOptions: Sendable {
    /// Contradicting counts become warnings and unreadable rows are skipped (and counted).
    public var lenient: Bool
    /// Event logs from this size on are read by one worker per part of a partitioned sink (smaller ones on
    /// one thread, where starting workers costs more than it saves).
    public var parallelFromBytes: Int64
    /// The fast path sums each file's bytes as it reads them (`FileContribution.contentChecksum`, for the build
    /// cache); a build without the cache skips the work.
    public var sumsContent: Bool
    /// The bytes each worker parses at a time in such a log (`FastEvents.splitRead`). A stretch's events wait
    /// in memory, about twice its bytes, until the round is folded. Small in tests, to cross many stretch ends.
    public var stretchBytes: Int
    public init(lenient: Bool = false, parallelFromBytes: Int64 = 8 << 20, sumsContent: Bool = true,
                stretchBytes: Int = 1 << 20) {
        self.lenient = lenient
        self.parallelFromBytes = parallelFromBytes
        self.sumsContent = sumsContent
        self.stretchBytes = max(1, stretchBytes)
    }
}

/// Everything read from a project except the events, which are streamed to the caller's sink.
public struct ProjectInput: Sendable {
    public init(config: ReportConfig) { self.config = config }
    public var config: ReportConfig
    public var campaignRows: [CampaignRow] = []
    public var notes = Notes()
    public var warnings: [Diagnostic] = []
    /// Files read under `data/`, and their project-relative paths.
    public var dataFiles: [String] = []
    public var eventRows = 0
    public var skippedRows = 0
    /// Canonical column names no input used, per file, for `--verbose`.
    public var unknownColumns: [String: [String]] = [:]
    /// Gmail Postmaster Tools and Microsoft SNDS files, not yet resolved (`MailboxInput.resolved()`).
    public var mailbox = MailboxInput()
    /// Aggregate tables in place of recipient events, not yet assembled (`AggregateTables.assemble`).
    public var aggregateTables: [AggregateTables.TableFile] = []
    /// Per file read by the fast path, the checksum of its bytes (`FileContribution.contentChecksum`).
    var contentChecksums: [String: UInt64] = [:]
}

/// Adapts a closure to a sink (tests, small inputs): raw fields become a `RecipientEvent`.
final class ClosureSink: RawEventSink {
    let body: EventSink
    init(_ body: @escaping EventSink) { self.body = body }

    func add(batch: UnsafeBufferPointer<RawEvent>, file: String) {
        func text(_ b: UnsafeRawBufferPointer?) -> String? {
            guard let b, b.count > 0 else { return nil }
            return String(decoding: b, as: UTF8.self)
        }
        for e in batch {
            body(RecipientEvent(time: e.time, campaign: text(e.campaign)!, recipient: text(e.recipient)!, type: e.type,
                                bounceType: e.bounce, machine: e.machine, url: text(e.url), program: text(e.program),
                                domain: text(e.domain)?.lowercased(), bounceReason: e.reason), SourceLocation(file: file, line: e.line))
        }
    }
}

/// What one data file adds to a project's input.
public struct FileContribution: Sendable, Codable {
    public var file: String
    public var campaignRows: [CampaignRow]
    public var eventRows: Int
    public var skippedRows: Int
    public var warnings: [Diagnostic]
    public var unknownColumns: [String]
    public var mailbox: MailboxInput
    /// The checksum (`StreamChecksum`) of the bytes read, where the reader kept one as it read them.
    public var contentChecksum: UInt64? = nil
    /// The aggregate table the file holds, if it is one.
    public var aggregateTable: AggregateTables.TableFile? = nil
}

extension ProjectInput {
    public init(config: ReportConfig, contributions: [FileContribution]) {
        self.init(config: config)
        for c in contributions { add(c) }
    }

    public mutating func add(_ c: FileContribution) {
        dataFiles.append(c.file)
        campaignRows += c.campaignRows
        eventRows += c.eventRows
        skippedRows += c.skippedRows
        warnings += c.warnings
        unknownColumns[c.file] = c.unknownColumns
        mailbox.add(c.mailbox)
        if let t = c.aggregateTable { aggregateTables.append(t) }
    }

    /// Rows of `file` skipped under `--lenient`: counted, and said once.
    mutating func addSkipped(_ n: Int, in file: String) {
        guard n > 0 else { return }
        warnings.append(Diagnostic("skipped \(n) unreadable row\(n == 1 ? "" : "s") (--lenient)", at: SourceLocation(file: file)))
        skippedRows += n
    }

    public mutating func addNotes(_ notes: (Notes, [Diagnostic])) {
        self.notes = notes.0
        warnings += notes.1
    }
}

/// Receives each recipient event as it is read, with the file it came from.
public typealias EventSink = (_ event: RecipientEvent, _ location: SourceLocation) -> Void

/// Finds and reads every input of a report project (`inputs.md`).
public struct ProjectReader {
    public let root: URL
    public let options: ReadOptions

    public init(root: URL, options: ReadOptions = ReadOptions()) {
        self.root = root.standardizedFileURL
        self.options = options
    }

    /// Reads `report.yml`, every file under `data/` and the notes. Events go to `events` as they are read.
    /// Throws `ReportErrors` listing every rejected row (strict mode) or the first fatal problem.
    public func read(events: @escaping EventSink) throws -> ProjectInput {
        let config = try loadConfig()
        var input = ProjectInput(config: config)
        var errors: [ReportError] = []
        let listing = try dataListing()
        if let notice = listing.hiddenNotice { input.warnings.append(notice) }
        for file in listing.files {
            do {
                input.add(try readFile(file, config: config, events: events))
            } catch let e as ReportErrors {
                errors += e.errors
            }
            if errors.count >= 50 { break }
        }
        if !errors.isEmpty { throw ReportErrors(errors) }
        try input.addNotes(readNotes())
        return input
    }

    public func loadConfig() throws -> ReportConfig {
        try ConfigLoader.load(projectAt: root)
    }

    /// What one data file contributes: its campaign rows (events go to `events`), warnings and counts.
    /// Throws `ReportErrors` with every rejected row of the file.
    public func readFile(_ file: String, config: ReportConfig, events: @escaping EventSink) throws -> FileContribution {
        try readFile(file, config: config, into: ClosureSink(events))
    }

    /// What one data file contributes, its events folded into `sink`. A large event log and a sink split by
    /// recipient are read by one thread per part (see `FastEvents`); any other sink gets every event on one
    /// thread.
    public func readFile(_ file: String, config: ReportConfig, into sink: RawEventSink,
                         progress: ((Int64, Int64) -> Void)? = nil) throws -> FileContribution {
        var input = ProjectInput(config: config)
        var errors: [ReportError] = []
        do {
            try readFile(file, config: config, into: &input, errors: &errors, sink: sink, progress: progress)
        } catch let error as ReportError {
            errors.append(error)
        }
        if !errors.isEmpty { throw ReportErrors(errors) }
        return FileContribution(
            file: file, campaignRows: input.campaignRows, eventRows: input.eventRows, skippedRows: input.skippedRows,
            warnings: input.warnings, unknownColumns: input.unknownColumns[file] ?? [], mailbox: input.mailbox,
            contentChecksum: input.contentChecksums[file], aggregateTable: input.aggregateTables.first)
    }

    /// The notes, read anew each time (they are small and change most often).
    public func readNotes() throws -> (Notes, [Diagnostic]) {
        var warnings: [Diagnostic] = []
        let notes = try readNotes(&warnings)
        return (notes, warnings)
    }

    /// What is under `data/`: the files to read (project-relative, sorted) and the hidden ones left out, which
    /// a build reports in one line.
    public struct DataListing: Sendable {
        public var files: [String] = []
        public var hidden: [String] = []

        /// The line that says which hidden files were left out, if any.
        public var hiddenNotice: Diagnostic? {
            guard !hidden.isEmpty else { return nil }
            let shown = hidden.prefix(5).joined(separator: ", ") + (hidden.count > 5 ? ", …" : "")
            return Diagnostic("left out \(hidden.count) hidden file\(hidden.count == 1 ? "" : "s") (names starting with a dot): \(shown)", at: SourceLocation(file: "data"))
        }
    }

    /// Project-relative paths of every file under `data/`, sorted, hidden files left out.
    public func dataFiles() throws -> [String] { try dataListing().files }

    /// Every entry under `data/`: regular files (or links to them) are read, folders walked; anything else (a
    /// FIFO, a socket, a device, a broken link, a name that is not UTF-8) is an error naming it, since reading
    /// it could block forever or never end.
    public func dataListing() throws -> DataListing {
        var listing = DataListing()
        var st = stat()
        guard stat(root.appending(path: "data").path, &st) == 0, st.st_mode & S_IFMT == S_IFDIR else { return listing }
        var visited = Set<[UInt64]>()
        try walk(root.appending(path: "data").path, relative: "data", into: &listing, visited: &visited)
        listing.files.sort()
        listing.hidden.sort()
        return listing
    }

    private func walk(_ dir: String, relative: String, into listing: inout DataListing, visited: inout Set<[UInt64]>) throws {
        var st = stat()
        guard stat(dir, &st) == 0 else { throw ReportError("cannot be read", at: SourceLocation(file: relative)) }
        // A link back to a folder above would loop forever: each folder is walked once.
        guard visited.insert([UInt64(st.st_dev), UInt64(st.st_ino)]).inserted else { return }
        guard let d = opendir(dir) else { throw ReportError("cannot be read (no permission?)", at: SourceLocation(file: relative)) }
        var names: [[UInt8]] = []
        while let e = readdir(d) {
            let name = withUnsafeBytes(of: e.pointee.d_name) { Array($0.prefix { $0 != 0 }) }
            if name != [0x2E] && name != [0x2E, 0x2E] { names.append(name) }
        }
        closedir(d)
        var entries: [String] = []
        for bytes in names {
            guard let name = String(validating: bytes, as: UTF8.self) else {
                let shown = bytes.map { $0 < 0x80 && $0 >= 0x20 ? String(UnicodeScalar($0)) : String(format: "\\x%02X", $0) }.joined()
                throw ReportError("a file name here is not UTF-8 text: \"\(shown)\" (rename it to read it)", at: SourceLocation(file: relative))
            }
            entries.append(name)
        }
        for name in entries.sorted() {
            let rel = relative + "/" + name
            if name.hasPrefix(".") {
                // The mark of a folder inbox-report wrote (exported aggregates): not data, and not worth a word.
                if name != OutputMarker.name { listing.hidden.append(rel) }
                continue
            }
            let path = dir + "/" + name
            guard stat(path, &st) == 0 else {
                throw ReportError("is a link to nothing (or cannot be read)", at: SourceLocation(file: rel))
            }
            switch st.st_mode & S_IFMT {
            case S_IFDIR: try walk(path, relative: rel, into: &listing, visited: &visited)
            case S_IFREG: listing.files.append(rel)
            default:
                throw ReportError("is not a regular file (a FIFO, socket or device): only files and folders are read under data/", at: SourceLocation(file: rel))
            }
        }
    }

    private enum Container {
        case csv, json
        var name: String { self == .csv ? "CSV" : "JSON" }
    }

    private func readFile(_ file: String, config: ReportConfig, into input: inout ProjectInput,
                          errors: inout [ReportError], sink: RawEventSink,
                          progress: ((Int64, Int64) -> Void)?) throws {
        let path = root.appending(path: file).path
        let rule = config.inputRule(for: file)
        var lower = file.lowercased()
        if lower.hasSuffix(".gz") { lower = String(lower.dropLast(3)) }
        let container: Container
        if lower.hasSuffix(".csv") || lower.hasSuffix(".txt") {
            container = .csv
        } else if lower.hasSuffix(".json") || lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") {
            container = .json
        } else {
            let head = ByteSource.headDecoded(path: path, count: 64).drop { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 || $0 == 0xEF || $0 == 0xBB || $0 == 0xBF }
            guard let first = head.first else {
                throw ReportError("matches no input format: the file is empty", at: SourceLocation(file: file))
            }
            container = (first == UInt8(ascii: "{") || first == UInt8(ascii: "[")) ? .json : .csv
        }
        if let format = rule?.format, let needed = Self.container(of: format), needed != container {
            throw ReportError("the \(format.rawValue) format is \(needed.name), but this file reads as \(container.name)", at: SourceLocation(file: file))
        }
        // A CSV file's first record, read once: an SNDS row (SNDS exports have no header), or the header.
        let firstRecord = container == .csv ? Self.firstRecord(path: path) : nil
        if container == .csv, rule?.format == .microsoftSNDS || (rule?.format == nil && SNDSFormat.matches(firstRecord ?? [])) {
            try readSNDS(path: path, file: file, into: &input, errors: &errors)
            return
        }
        if container == .csv, rule?.format == .aggregates || rule?.format == nil, let firstRecord,
           let aggregate = AggregateTables.Table.matching(header: firstRecord) {
            input.aggregateTables.append(try AggregateTables.read(path: path, file: file, table: aggregate))
            return
        }
        if rule?.format == .aggregates {
            throw ReportError("is pinned to the aggregates format, but its header is no aggregate table's (docs/aggregates.md lists them)", at: SourceLocation(file: file, line: 1))
        }
        var table = TableState(file: file, rule: rule, zone: config.timeZone, lenient: options.lenient)
        if let firstRecord, let layout = try fastLayout(headers: firstRecord, table: &table), ByteSource.isPlain(path: path) {
            var skipped = 0
            var content: UInt64?
            let rows = try withUnsafeMutablePointer(to: &content) { sum in
                try FastEvents.read(
                    path: path, file: file, layout: layout, zone: config.timeZone, lenient: options.lenient, sink: sink,
                    parallelFromBytes: options.parallelFromBytes, stretchBytes: options.stretchBytes, skipped: &skipped, content: options.sumsContent ? sum : nil,
                    progress: progress)
            }
            input.contentChecksums[file] = content
            input.eventRows += rows
            input.unknownColumns[file] = layout.unknown
            input.addSkipped(skipped, in: file)
            return
        }
        table = TableState(file: file, rule: rule, zone: config.timeZone, lenient: options.lenient)
        let events: EventSink = { e, location in sink.add(e, at: location) }
        do {
            switch container {
            case .csv:
                var header: [String?]?
                var rawHeader: [String] = []
                try CSVReader.read(path: path) { fields, line in
                    guard let mapped = header else {
                        rawHeader = fields
                        header = try table.begin(headers: fields, line: line)
                        return
                    }
                    var cells: [String: String] = [:]
                    cells.reserveCapacity(mapped.count)
                    if fields.count > mapped.count {
                        try table.reject(ReportError("has \(fields.count) fields but the header has \(mapped.count)", at: SourceLocation(file: file, line: line)), errors: &errors, input: &input)
                        return
                    }
                    for (i, value) in fields.enumerated() {
                        if let name = mapped[i] { cells[name] = value }
                    }
                    try table.row(Row(cells: cells, location: SourceLocation(file: file, line: line)), input: &input, errors: &errors, events: events)
                }
                if header == nil {
                    throw ReportError("matches no input format: the file is empty", at: SourceLocation(file: file))
                }
                input.unknownColumns[file] = zip(rawHeader, header!).filter { $0.1 == nil }.map(\.0)
            case .json:
                var headerCache: [String: String?] = [:]
                try JSONStream.read(path: path) { object, line in
                    guard let dict = object as? [String: Any] else {
                        try table.reject(ReportError("expected a JSON object", at: SourceLocation(file: file, line: line)), errors: &errors, input: &input)
                        return
                    }
                    if table.kind == nil, rule?.format == .gmailPostmaster || (rule?.format == nil && PostmasterFormat.matches(dict)) {
                        table.kind = .postmaster
                    }
                    if case .postmaster? = table.kind {
                        do {
                            try Self.addPostmaster(dict, file: file, line: line, into: &input)
                        } catch let e as ReportError {
                            try table.reject(e, errors: &errors, input: &input)
                        }
                        return
                    }
                    if table.kind == nil {
                        if let provider = rule?.format.flatMap(Providers.format) ?? (rule?.format == nil ? Providers.detect(dict) : nil) {
                            table.kind = .provider(provider)
                        } else {
                            _ = try table.begin(headers: dict.keys.sorted(), line: line)
                        }
                    }
                    if case .provider(let provider) = table.kind! {
                        try table.providerRecord(dict, provider, line: line, input: &input, errors: &errors, events: events)
                        return
                    }
                    var cells: [String: String] = [:]
                    for (key, value) in dict {
                        let name: String?
                        if let cached = headerCache[key] {
                            name = cached
                        } else {
                            name = table.canonicalName(key)
                            headerCache[key] = name
                        }
                        if let name, let text = JSONStream.cellText(value) { cells[name] = text }
                    }
                    try table.row(Row(cells: cells, location: SourceLocation(file: file, line: line)), input: &input, errors: &errors, events: events)
                }
                if table.kind == nil {
                    throw ReportError("matches no input format: no JSON objects in the file", at: SourceLocation(file: file))
                }
            }
        } catch let failure as CSVReader.Failure {
            throw failure.error(in: file)
        } catch let failure as JSONStream.Failure {
            switch failure {
            case .syntax(let line, let message):
                throw ReportError(message, at: SourceLocation(file: file, line: line))
            }
        }
        if !table.unknownTypes.isEmpty {
            let list = table.unknownTypes.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map { "\"\($0.key)\" (\($0.value))" }
            let total = table.unknownTypes.values.reduce(0, +)
            input.warnings.append(Diagnostic("ignored \(total) event\(total == 1 ? "" : "s") of unknown type: \(list.joined(separator: ", "))", at: SourceLocation(file: file)))
        }
        if !table.noRecipientLines.isEmpty {
            let lines = table.noRecipientLines
            let shown = lines.prefix(10).map(String.init).joined(separator: ", ") + (lines.count > 10 ? ", …" : "")
            input.warnings.append(Diagnostic("skipped \(lines.count) record\(lines.count == 1 ? " that names" : "s that name") no recipient (line\(lines.count == 1 ? "" : "s") \(shown))", at: SourceLocation(file: file)))
        }
        input.addSkipped(table.skipped, in: file)
    }

    /// The container a pinned format needs, for the formats that need one.
    private static func container(of format: InputFormat) -> Container? {
        switch format {
        case .campaigns, .events: return nil
        case .sendgrid, .ses, .mailgun, .postmark, .gmailPostmaster: return .json
        case .microsoftSNDS, .aggregates: return .csv
        }
    }

    /// The fields of a CSV file's first line (a UTF-8 BOM dropped), from the first 64 KB of its decoded bytes;
    /// nil when no line ends there.
    private static func firstRecord(path: String) -> [String]? {
        let head = ByteSource.headDecoded(path: path, count: 65536)
        guard let nl = head.firstIndex(of: 0x0A) else { return nil }
        var line = String(decoding: head[head.startIndex..<nl], as: UTF8.self)
        if line.hasPrefix("\u{FEFF}") { line.removeFirst() }
        var fields: [String] = []
        try? CSVReader.parse(line) { f, _ in if fields.isEmpty { fields = f } }
        return fields.isEmpty ? nil : fields
    }

    private func readSNDS(path: String, file: String, into input: inout ProjectInput, errors: inout [ReportError]) throws {
        var skipped = 0
        defer { input.addSkipped(skipped, in: file) }
        do {
            try CSVReader.read(path: path) { fields, line in
                if fields.count == 1 && fields[0].trimmingCharacters(in: .whitespaces).isEmpty { return }
                do {
                    input.mailbox.snds.append(try SNDSFormat.row(fields, file: file, line: line))
                } catch let e as ReportError {
                    if options.lenient { skipped += 1 } else { errors.append(e) }
                    if errors.count >= 50 { throw ReportErrors(errors) }
                }
            }
        } catch let failure as CSVReader.Failure {
            throw failure.error(in: file)
        }
    }

    /// One Postmaster Tools document: its values, request or compliance items.
    private static func addPostmaster(_ o: [String: Any], file: String, line: Int, into input: inout ProjectInput) throws {
        switch try PostmasterFormat.read(o, at: SourceLocation(file: file, line: line)) {
        case .stats(let list): input.mailbox.responses[file, default: []] += list.map { .init(value: $0.value, request: $0.request) }
        case .request(let defs): input.mailbox.requests[MailboxInput.pairKey(file)] = defs
        case .compliance(let items): input.mailbox.compliance += items
        case .trafficStats(let values): input.mailbox.named += values
        }
    }

    /// The column layout when a CSV file holds canonical recipient events (the fast path's case), else nil.
    private func fastLayout(headers: [String], table: inout TableState) throws -> FastEvents.Layout? {
        let mapped = try table.begin(headers: headers, line: 1)
        guard case .events? = table.kind else { return nil }
        var layout = FastEvents.Layout()
        layout.count = mapped.count
        layout.names = mapped
        for (i, name) in mapped.enumerated() {
            switch name {
            case "time": layout.time = i
            case "campaign": layout.campaign = i
            case "recipient": layout.recipient = i
            case "event": layout.event = i
            case "bounce_type": layout.bounceType = i
            case "machine": layout.machine = i
            case "user_agent": layout.userAgent = i
            case "ip": layout.ip = i
            case "url": layout.url = i
            case "program": layout.program = i
            case "domain": layout.domain = i
            case "diagnostic": layout.diagnostic = i
            default: break
            }
        }
        layout.unknown = zip(headers, mapped).filter { $0.1 == nil }.map(\.0)
        return layout
    }

    private func readNotes(_ warnings: inout [Diagnostic]) throws -> Notes {
        var notes = Notes()
        let base = root.appending(path: "notes")
        func markdownFiles(_ sub: String) -> [(String, String)] {
            let dir = base.appending(path: sub)
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path) else { return [] }
            return names.sorted().filter { $0.hasSuffix(".md") && !$0.hasPrefix(".") }.map { (String($0.dropLast(3)), "notes/\(sub)/\($0)") }
        }
        func text(_ rel: String) throws -> String {
            guard let data = FileManager.default.contents(atPath: root.appending(path: rel).path),
                  let s = String(data: data, encoding: .utf8) else {
                throw ReportError("cannot be read as UTF-8 text", at: SourceLocation(file: rel))
            }
            return s
        }
        for (name, rel) in markdownFiles("weeks") {
            guard let week = ISOWeek(name) else {
                throw ReportError("a week note is named after its ISO week, like 2026-W47.md", at: SourceLocation(file: rel))
            }
            notes.weeks[week] = try text(rel)
        }
        for (name, rel) in markdownFiles("programs") { notes.programs[name] = try text(rel) }
        for (name, rel) in markdownFiles("campaigns") { notes.campaigns[name] = try text(rel) }
        for (name, rel) in markdownFiles("experiments") { notes.experiments[name] = try text(rel) }
        return notes
    }
}

/// Per-file state: which table the file holds, its header mapping, rows skipped.
private struct TableState {
    enum Kind { case campaigns, events, provider(ProviderFormat.Type), postmaster }
    let file: String
    let rule: InputRule?
    let zone: TimeZone
    let lenient: Bool
    var kind: Kind?
    var skipped = 0
    var unknownTypes: [String: Int] = [:]
    /// Lines of records that name no recipient (skipped, reported once).
    var noRecipientLines: [Int] = []
    private let mapping: ColumnMapping

    init(file: String, rule: InputRule?, zone: TimeZone, lenient: Bool) {
        self.file = file
        self.rule = rule
        self.zone = zone
        self.lenient = lenient
        self.mapping = ColumnMapping(rule?.columns ?? [:])
    }

    var canonical: [String: String] {
        if case .events? = kind { return Columns.eventFields }
        return Columns.campaignFields
    }

    func canonicalName(_ header: String) -> String? {
        mapping.name(header, in: canonical)
    }

    /// Decides the table kind from the header (or a pinned format) and maps the header.
    mutating func begin(headers: [String], line: Int) throws -> [String?] {
        switch rule?.format {
        case .campaigns?: kind = .campaigns
        case .events?: kind = .events
        default:
            let names = Set(headers.map(mapping.normalized))
            if names.isSuperset(of: ["time", "recipient", "event"]) {
                kind = .events
            } else if names.contains("campaign") {
                kind = .campaigns
            } else {
                throw ReportError(
                    "matches no input format: campaign results need a \"campaign\" column, recipient events need \"time\", \"campaign\", \"recipient\" and \"event\" (found: \(InputLimits.quoted(headers.prefix(12).map { InputLimits.quoted($0) }.joined(separator: ", "))))",
                    at: SourceLocation(file: file, line: line))
            }
        }
        let mapped = headers.map(canonicalName)
        if case .events? = kind {
            let present = Set(mapped.compactMap { $0 })
            for field in CanonicalEvents.required where !present.contains(field) {
                throw ReportError("the header has no \"\(field)\" column, which recipient events need", at: SourceLocation(file: file, line: line))
            }
        }
        return mapped
    }

    /// One record of a provider's native export.
    mutating func providerRecord(_ object: [String: Any], _ provider: ProviderFormat.Type, line: Int, input: inout ProjectInput,
                                 errors: inout [ReportError], events: EventSink) throws {
        do {
            switch try provider.map(object, campaignField: rule?.campaignField) {
            case .events(let list):
                let location = SourceLocation(file: file, line: line)
                for e in list {
                    input.eventRows += 1
                    events(e, location)
                }
            case .ignored:
                break
            case .unknown(let type):
                unknownTypes[type, default: 0] += 1
            case .noRecipient:
                noRecipientLines.append(line)
            }
        } catch let e as ProviderError {
            try reject(ReportError(e.message, at: SourceLocation(file: file, line: line, field: "field \"\(e.field)\"")), errors: &errors, input: &input)
        }
    }

    mutating func row(_ row: Row, input: inout ProjectInput, errors: inout [ReportError], events: EventSink) throws {
        do {
            switch kind! {
            case .provider, .postmaster:
                return
            case .campaigns:
                var contradictions: [ReportError] = []
                let parsed = try CampaignResults.parse(row, zone: zone, contradictions: &contradictions)
                if lenient {
                    input.warnings += contradictions.map { Diagnostic($0.message, at: $0.location) }
                } else {
                    errors += contradictions
                }
                input.campaignRows.append(parsed)
            case .events:
                let event = try CanonicalEvents.parse(row, zone: zone)
                input.eventRows += 1
                events(event, row.location)
            }
        } catch let error as ReportError {
            try reject(error, errors: &errors, input: &input)
        }
    }

    mutating func reject(_ error: ReportError, errors: inout [ReportError], input: inout ProjectInput) throws {
        if lenient {
            skipped += 1
        } else {
            errors.append(error)
            if errors.count >= 50 { throw ReportErrors(errors) }
        }
    }
}
