import EventFold
import Foundation
import ReportCore
#if canImport(Glibc)
import Glibc
#endif

/// The fast path for canonical recipient events in CSV: a byte-level scanner that hands each record's field
/// ranges to a `RawEventSink` in batches, without making a `String` per field. A large
/// file and a sink split by recipient get one worker per part (see `read`). A row the fast path cannot take
/// (a field it cannot parse) is parsed again by the ordinary path, so errors read exactly the same.
enum FastEvents {
    /// Field positions of the canonical event columns in the header (-1 where absent).
    struct Layout {
        var time = -1, campaign = -1, recipient = -1, event = -1, bounceType = -1, machine = -1, userAgent = -1, ip = -1
        var url = -1, program = -1, domain = -1, diagnostic = -1
        var count = 0
        var names: [String?] = []
        var unknown: [String] = []
    }

    /// Reads `path` (a CSV whose header maps to event columns) into `sink`; returns the rows read. `progress`
    /// gets bytes done of the total. Throws the ordinary `ReportError`s of the bad rows.
    ///
    /// A large file and a sink split by recipient (`PartitionedEventSink`) are read by one worker per part,
    /// each parsing its own stretch of the file (`splitRead`); anything else on this thread.
    static func read(path: String, file: String, layout: Layout, zone: TimeZone, lenient: Bool, sink: RawEventSink,
                     parallelFromBytes: Int64 = 8 << 20, stretchBytes: Int = 1 << 20, skipped: inout Int,
                     content: UnsafeMutablePointer<UInt64?>? = nil, progress: ((Int64, Int64) -> Void)?) throws -> Int {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw ReportError("cannot open the file", at: SourceLocation(file: file)) }
        defer { close(fd) }
        // The size of what was opened (a symlink's target, not the link).
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw ReportError("cannot read the file", at: SourceLocation(file: file)) }
        let size = Int64(st.st_size)
        let headerEnd = Self.headerEnd(fd: fd)
        if let perRow = Self.bytesPerRow(fd: fd, from: headerEnd) {
            sink.expect(events: Int((size - headerEnd) / perRow))
        }
        let summing = content != nil ? Self.headerChecksum(fd: fd, headerEnd) : nil
        let scanned: Scan
        if let partitioned = sink as? PartitionedEventSink, partitioned.parts.count > 1, size >= parallelFromBytes {
            scanned = try splitRead(fd: fd, range: (headerEnd, size), layout: layout, zone: zone, lenient: lenient,
                                    sink: partitioned, file: file, summing: summing, stretchBytes: stretchBytes) {
                progress?($0, size - headerEnd)
            }
        } else {
            scanned = try scan(fd: fd, range: (headerEnd, size), layout: layout, zone: zone, lenient: lenient, sink: sink,
                               file: file, summing: summing) { progress?($0, size - headerEnd) }
        }
        if let sum = scanned.content { content?.pointee = sum.value }
        skipped += scanned.skipped
        if !scanned.errors.isEmpty {
            throw ReportErrors(Array(scanned.errors.sorted { ($0.location?.line ?? 0) < ($1.location?.line ?? 0) }.prefix(50)))
        }
        return scanned.rows
    }

    struct Scan {
        var rows = 0
        var lines = 0
        var skipped = 0
        /// Rejected rows, with their lines.
        var errors: [ReportError] = []
        /// The checksum of the file's bytes, kept as they are read (the build cache's content checksum, at no
        /// second read of the file).
        var content: StreamChecksum?

        /// Another scan's figures after this one's (its lines counted on from this one's).
        mutating func append(_ later: Scan) {
            let base = lines
            rows += later.rows
            lines += later.lines
            skipped += later.skipped
            errors += later.errors.map { e in
                var e = e
                if let line = e.location?.line { e.location?.line = line + base }
                return e
            }
        }
    }

    // MARK: One file, one stretch per worker

    /// One worker's stretch in a round of `splitRead`: its records parsed, each event put in the outbox of the
    /// part that owns its recipient. The events point into `bytes` and into the collector's stash, which stay
    /// until the round is folded.
    final class Stretch {
        private(set) var bytes = UnsafeMutableRawBufferPointer(start: nil, count: 0)
        var start: Int64 = 0
        var length = 0
        /// Bytes of whole records (less than `length` when the stretch ends inside a record).
        var consumed = 0
        var scan = Scan()
        var collector: Collector?
        /// The stretch's events for each part, kept (with their room) from round to round.
        let boxes: [Outbox]

        final class Outbox { var events: [RawEvent] = [] }

        init(parts: Int) { boxes = (0..<parts).map { _ in Outbox() } }
        /// A read error, a record too long, or no line feed where the next stretch was to begin.
        var unsound = false

        /// Room for `n` bytes (kept from round to round).
        func reserve(_ n: Int) {
            guard bytes.count < n else { return }
            bytes.deallocate()
            bytes = .allocate(byteCount: max(n, 1), alignment: 16)
        }

        func release() {
            collector?.release()
            collector = nil
        }

        deinit {
            release()
            bytes.deallocate()
        }
    }

    /// The first record start at or after `at`, on a guess that no quoted field spans a line feed there: just
    /// past the first line feed at `at - 1` or later, or the end. Nil when none comes within a record's limit.
    static func lineStart(fd: Int32, at: Int64, end: Int64) -> Int64? {
        guard at < end else { return end }
        var scratch = [UInt8](repeating: 0, count: 4096)
        var pos = at - 1
        while pos < end {
            if pos - at > Int64(InputLimits.recordBytes) { return nil }
            let n = scratch.withUnsafeMutableBytes { pread(fd, $0.baseAddress, min($0.count, Int(end - pos)), off_t(pos)) }
            guard n > 0 else { return nil }
            if let i = scratch[..<n].firstIndex(of: 0x0A) { return pos + Int64(i) + 1 }
            pos += Int64(n)
        }
        return end
    }

    /// Reads a byte range into `sink`'s parts, one worker per part, in rounds. In each round every worker parses
    /// its own stretch of `stretchBytes` (beginning where its line does) and puts each event in the outbox of
    /// its recipient's part; then every worker folds, into its own part, what the round's stretches hold for
    /// it, in file order. So each byte is read and parsed once, no two threads touch one table, and each part
    /// gets its events in the order of the file, as a single reader gives them.
    ///
    /// A stretch begins at a line start only on a guess: a quoted field may hold a line feed. The stretch before
    /// tells: it must end on a whole record exactly where the next one began. Where it does not, the stretches
    /// up to it are folded (that one up to its last whole record) and the next round begins there. A round
    /// without one whole record (a record longer than a stretch, no line feed where a stretch was to end)
    /// leaves the rest of the file to the single reader, which gives the exact figures and errors.
    static func splitRead(fd: Int32, range: (Int64, Int64), layout: Layout, zone: TimeZone, lenient: Bool,
                          sink: PartitionedEventSink, file: String, summing: StreamChecksum?, stretchBytes: Int = 1 << 20,
                          progress: (Int64) -> Void) throws -> Scan {
        let parts = sink.parts
        let stretches = parts.map { _ in Stretch(parts: parts.count) }
        var total = Scan()
        total.lines = 1  // the header
        total.content = summing
        var offset = range.0
        let shared = Unchecked((parts, stretches))
        while offset < range.1 {
            let roundStart = offset
            DispatchQueue.concurrentPerform(iterations: stretches.count) { k in
                let (parts, stretches) = shared.value
                let s = stretches[k]
                s.unsound = false
                s.scan = Scan()
                s.consumed = 0
                s.length = 0
                for box in s.boxes { box.events.removeAll(keepingCapacity: true) }
                let at = roundStart + Int64(k * stretchBytes), next = roundStart + Int64((k + 1) * stretchBytes)
                guard let begin = k == 0 ? roundStart : lineStart(fd: fd, at: at, end: range.1),
                      let end = lineStart(fd: fd, at: next, end: range.1) else { s.unsound = true; return }
                s.start = begin
                s.length = Int(end - begin)
                guard s.length > 0 else { return }
                s.reserve(s.length)
                var read = 0
                while read < s.length {
                    let n = pread(fd, s.bytes.baseAddress! + read, s.length - read, off_t(begin) + off_t(read))
                    guard n > 0 else { s.unsound = true; return }
                    read += n
                }
                var collector = Collector(routingTo: parts.count, file: file)
                // The outboxes move into the collector and back, so each stays one array with one owner.
                for (d, box) in s.boxes.enumerated() { swap(&collector.outboxes[d], &box.events) }
                let fields = Fields(layout)
                var scan = Scan()
                do {
                    s.consumed = try records(s.bytes.baseAddress!.assumingMemoryBound(to: UInt8.self), end: s.length,
                                             atEOF: end == range.1, layout: layout, zone: zone, lenient: lenient,
                                             file: file, fields: fields, result: &scan, collector: &collector)
                } catch {
                    s.unsound = true
                }
                fields.deallocate()
                s.scan = scan
                for (d, box) in s.boxes.enumerated() { swap(&collector.outboxes[d], &box.events) }
                s.collector = collector
            }
            // The stretches that hold: each begins where the one before ended, on a whole record.
            var sound = 0
            var resume: Int64?
            var position = roundStart
            for s in stretches {
                if s.unsound || s.start != position { resume = position; break }
                sound += 1
                if s.consumed < s.length || s.scan.errors.count >= 50 {
                    resume = s.start + Int64(s.consumed)
                    break
                }
                position = s.start + Int64(s.length)
            }
            var bases: [Int] = []
            for s in stretches.prefix(sound) {
                bases.append(total.lines)
                total.append(s.scan)
            }
            let folded = Unchecked((parts, stretches, bases))
            DispatchQueue.concurrentPerform(iterations: parts.count) { d in
                let (parts, stretches, bases) = folded.value
                for (k, s) in stretches.prefix(bases.count).enumerated() {
                    s.boxes[d].events.withUnsafeMutableBufferPointer { events in
                        for i in events.indices { events[i].line += bases[k] }
                        var i = 0
                        while i < events.count {
                            let n = min(Collector.batchSize, events.count - i)
                            parts[d].add(batch: UnsafeBufferPointer(rebasing: events[i..<(i + n)]), file: file)
                            i += n
                        }
                    }
                }
            }
            for s in stretches.prefix(sound) {
                total.content?.add(UnsafeRawBufferPointer(rebasing: s.bytes[..<s.consumed]))
            }
            for s in stretches { s.release() }
            if total.errors.count >= 50 { return total }
            if let resume, resume == roundStart {
                // Not one whole record this round (one longer than a stretch, or no line feed where a stretch was
                // to end): the rest of the file on this thread.
                var rest = try scan(fd: fd, range: (resume, range.1), layout: layout, zone: zone, lenient: lenient,
                                    sink: sink, file: file, summing: total.content, lines: total.lines) {
                    progress(resume - range.0 + $0)
                }
                rest.rows += total.rows
                rest.skipped += total.skipped
                rest.errors = total.errors + rest.errors
                return rest
            }
            offset = resume ?? position
            progress(offset - range.0)
        }
        return total
    }

    /// The average length of the first rows (up to 64 KB of them), to estimate how many rows a file has.
    static func bytesPerRow(fd: Int32, from: Int64) -> Int64? {
        var buf = [UInt8](repeating: 0, count: 65536)
        let n = pread(fd, &buf, buf.count, off_t(from))
        guard n > 0 else { return nil }
        let rows = buf[..<n].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        return rows > 0 ? Int64(n / rows) : nil
    }

    /// The checksum of a file's bytes before `end` (its header row), to go on with the rest.
    static func headerChecksum(fd: Int32, _ end: Int64) -> StreamChecksum? {
        var buf = [UInt8](repeating: 0, count: Int(end))
        guard pread(fd, &buf, buf.count, 0) == buf.count else { return nil }
        var sum = StreamChecksum()
        buf.withUnsafeBytes { sum.add($0) }
        return sum
    }

    static func headerEnd(fd: Int32) -> Int64 {
        var buf = [UInt8](repeating: 0, count: 65536)
        let n = pread(fd, &buf, buf.count, 0)
        guard n > 0, let nl = buf[..<n].firstIndex(of: 0x0A) else { return Int64(max(n, 0)) }
        return Int64(nl + 1)
    }

    /// Scans one byte range record by record, on this thread, into `sink`. Quoted fields are handled (their
    /// quotes removed, `""` kept as `"`); a record may span reads. `lines` are the lines before the range (the
    /// header's one, at the start of a file).
    static func scan(fd: Int32, range: (Int64, Int64), layout: Layout, zone: TimeZone, lenient: Bool,
                     sink: RawEventSink, file: String, summing: StreamChecksum? = nil, lines: Int = 1,
                     progress: (Int64) -> Void) throws -> Scan {
        var result = Scan()
        result.content = summing
        result.lines = lines
        let chunk = 4 << 20
        var buffer = [UInt8](repeating: 0, count: chunk + 65536)
        var carry = 0        // bytes of an unfinished record at the start of `buffer`
        var offset = range.0
        let fields = Fields(layout)
        var collector = Collector(sink: sink, file: file)
        defer {
            collector.release()
            fields.deallocate()
        }
        while offset < range.1 || carry > 0 {
            let want = Int(min(Int64(chunk), range.1 - offset))
            if carry + want > buffer.count { buffer += [UInt8](repeating: 0, count: carry + want - buffer.count) }
            var n = 0
            if want > 0 {
                n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + carry, want, off_t(offset)) }
                if n < 0 { throw ReportError("cannot read the file", at: SourceLocation(file: file)) }
                if result.content != nil {
                    buffer.withUnsafeBytes { result.content!.add(UnsafeRawBufferPointer(rebasing: $0[carry..<(carry + n)])) }
                }
                offset += Int64(n)
            }
            let end = carry + n
            let atEOF = offset >= range.1
            let consumed = try buffer.withUnsafeMutableBytes { raw in
                try records(raw.baseAddress!.assumingMemoryBound(to: UInt8.self), end: end, atEOF: atEOF, layout: layout,
                            zone: zone, lenient: lenient, file: file, fields: fields, result: &result, collector: &collector)
            }
            // The batch points into this buffer, which is about to move: hand it over now.
            collector.flush()
            if result.errors.count >= 50 { break }
            // Move the unfinished record to the front. One longer than the limit is an error here, so a file
            // without line breaks is read once, in bounded memory.
            carry = end - consumed
            if carry > InputLimits.recordBytes { throw Self.tooLong(file, line: result.lines + 1) }
            if carry > 0 && consumed > 0 {
                buffer.withUnsafeMutableBytes { raw in
                    _ = memmove(raw.baseAddress!, raw.baseAddress! + consumed, carry)
                }
            }
            if atEOF && carry > 0 && n == 0 { break }
            progress(offset - range.0)
        }
        return result
    }

    /// Where the fields of the record being parsed begin and end (raw memory: written for every field of
    /// every row). One slot more than the header has fields, to tell a row with too many.
    struct Fields {
        let slots: Int
        let starts: UnsafeMutablePointer<Int>
        let ends: UnsafeMutablePointer<Int>
        let quoted: UnsafeMutablePointer<Bool>

        init(_ layout: Layout) {
            slots = max(layout.count, 1) + 1
            starts = .allocate(capacity: slots)
            ends = .allocate(capacity: slots)
            quoted = .allocate(capacity: slots)
            starts.initialize(repeating: 0, count: slots)
            ends.initialize(repeating: 0, count: slots)
            quoted.initialize(repeating: false, count: slots)
        }

        func deallocate() {
            starts.deallocate()
            ends.deallocate()
            quoted.deallocate()
        }
    }

    /// The records of `p[0..<end]`, each parsed and handed to `collector`. Returns the bytes of the records
    /// taken: less than `end` when the last record is unfinished (it is whole only `atEOF`), or after the 50th
    /// rejected row. `result.lines` counts on from where it is.
    static func records(_ p: UnsafeMutablePointer<UInt8>, end: Int, atEOF: Bool, layout: Layout, zone: TimeZone,
                        lenient: Bool, file: String, fields: Fields, result: inout Scan, collector: inout Collector) throws -> Int {
        var consumed = 0
        /// Parses one record's fields (in starts/ends/quoted) and hands the event over. The state it
        /// changes comes in as `inout` rather than captured, so its accesses are checked statically
        /// (captured, they were checked at run time, once per row).
        func deliver(_ field: Int, _ result: inout Scan, _ collector: inout Collector) throws {
            if field > layout.count {
                if lenient { result.skipped += 1; return }
                result.errors.append(ReportError("has \(field) fields but the header has \(layout.count)", at: SourceLocation(file: file, line: result.lines)))
                return
            }
            for k in field..<layout.count { fields.starts[k] = 0; fields.ends[k] = 0; fields.quoted[k] = false }
            func bytes(_ k: Int) -> UnsafeRawBufferPointer? {
                guard k >= 0 else { return nil }
                var s = fields.starts[k], e = fields.ends[k]
                if fields.quoted[k] {
                    // Drop the quotes; undouble `""` into a scratch copy only when there is one inside.
                    s += 1
                    if e > s && p[e - 1] == 0x22 { e -= 1 }
                    var hasEscape = false
                    var x = s
                    while x < e { if p[x] == 0x22 { hasEscape = true; break }; x += 1 }
                    if hasEscape {
                        // Undoubled into the collector's stash, which lives until its batch is handed over.
                        let out = collector.reserve(e - s)
                        var n = 0
                        x = s
                        while x < e {
                            out[n] = p[x]
                            n += 1
                            x += p[x] == 0x22 && x + 1 < e && p[x + 1] == 0x22 ? 2 : 1
                        }
                        return UnsafeRawBufferPointer(start: out, count: n)
                    }
                }
                while s < e && p[s] == 0x20 { s += 1 }
                while e > s && p[e - 1] == 0x20 { e -= 1 }
                return UnsafeRawBufferPointer(start: p + s, count: e - s)
            }
            let recipient = collector.normalized(bytes(layout.recipient)!)
            // Routed to a part: the part is its recipient's hash's, worked out here once.
            let hash = collector.routes > 0 ? RecipientHash.of(recipient) : nil
            let outcome = handle(
                time: bytes(layout.time)!, campaign: bytes(layout.campaign)!, recipient: recipient,
                event: bytes(layout.event)!, bounceType: bytes(layout.bounceType), machine: bytes(layout.machine),
                userAgent: bytes(layout.userAgent), ip: bytes(layout.ip), url: bytes(layout.url), program: bytes(layout.program), domain: bytes(layout.domain),
                diagnostic: bytes(layout.diagnostic), zone: zone, collector: &collector, line: result.lines, recipientHash: hash)
            if outcome == .added {
                result.rows += 1
            } else if lenient {
                result.skipped += 1
            } else {
                // Parse the row again the ordinary way for the exact message.
                var cells: [String: String] = [:]
                for (k, name) in layout.names.enumerated() {
                    if let name, let b = bytes(k) { cells[name] = String(decoding: b, as: UTF8.self) }
                }
                let location = SourceLocation(file: file, line: result.lines)
                do {
                    _ = try CanonicalEvents.parse(Row(cells: cells, location: location), zone: zone)
                    result.errors.append(ReportError("could not be read", at: location))
                } catch let e as ReportError {
                    result.errors.append(e)
                }
            }
        }
        var i = 0
        recordLoop: while i < end {
            let recordBegin = i
            var field = 0
            // Most lines have no quote: split them in one pass, eight bytes at a time. A line with a
            // quote goes through the state machine below.
            var j = i
            var fieldStart = i
            var lineEnd = -1
            var sawQuote = false
            @inline(__always) func comma(_ at: Int) {
                if field < fields.slots {
                    fields.starts[field] = fieldStart
                    fields.ends[field] = at
                    fields.quoted[field] = false
                }
                field += 1
                fieldStart = at + 1
            }
            split: while true {
                if j + 8 <= end {
                    let w = UnsafeRawPointer(p + j).loadUnaligned(as: UInt64.self)
                    let newlines = Self.bytes(equalTo: 0x0A, in: w)
                    let quotes = Self.bytes(equalTo: 0x22, in: w)
                    // A quote before this word's first newline (if it has one) makes a quoted line.
                    if quotes != 0 && (newlines == 0 || quotes & ((newlines & (0 &- newlines)) &- 1) != 0) {
                        sawQuote = true
                        break split
                    }
                    var m = Self.bytes(equalTo: 0x2C, in: w) | newlines
                    while m != 0 {
                        let at = j + m.trailingZeroBitCount >> 3
                        if p[at] == 0x0A { lineEnd = at; break split }
                        comma(at)
                        m &= m - 1
                    }
                    j += 8
                } else {
                    while j < end {
                        let c = p[j]
                        if c == 0x22 { sawQuote = true; break split }
                        if c == 0x0A { lineEnd = j; break split }
                        if c == 0x2C { comma(j) }
                        j += 1
                    }
                    break split
                }
            }
            if !sawQuote {
                if lineEnd < 0 {
                    guard atEOF else { break recordLoop }  // unfinished line: carry it over
                    lineEnd = end
                }
                if field < fields.slots {
                    fields.starts[field] = fieldStart
                    fields.ends[field] = lineEnd > fieldStart && p[lineEnd - 1] == 0x0D ? lineEnd - 1 : lineEnd
                    fields.quoted[field] = false
                }
                field += 1
                result.lines += 1
                if lineEnd - recordBegin > InputLimits.recordBytes { throw Self.tooLong(file, line: result.lines) }
                i = min(lineEnd + 1, end)
                consumed = i
                if field == 1 && fields.ends[0] == fields.starts[0] { continue recordLoop }
                try deliver(field, &result, &collector)
                if result.errors.count >= 50 { break recordLoop }
                continue recordLoop
            }
            field = 0
            // One record: fields split by commas outside quotes, ended by LF (CR before it dropped).
            let recordStart = i
            var inQuotes = false
            fieldStart = i
            var fieldQuoted = false
            var lineBreaks = 0
            j = i
            while true {
                if j >= end {
                    if atEOF && j > recordStart { break }  // last record without a newline
                    break recordLoop                       // unfinished: carry it over
                }
                let c = p[j]
                if inQuotes {
                    if c == 0x22 {
                        if j + 1 < end && p[j + 1] == 0x22 { j += 2; continue }
                        if j + 1 >= end && !atEOF { break recordLoop }
                        inQuotes = false
                    } else if c == 0x0A {
                        lineBreaks += 1
                    }
                    j += 1
                    continue
                }
                if c == 0x2C || c == 0x0A {
                    if field < fields.slots {
                        fields.starts[field] = fieldStart
                        var e = j
                        if c == 0x0A && e > fieldStart && p[e - 1] == 0x0D { e -= 1 }
                        fields.ends[field] = e
                        fields.quoted[field] = fieldQuoted
                    }
                    field += 1
                    if c == 0x0A { break }
                    fieldStart = j + 1
                    fieldQuoted = false
                } else if c == 0x22 && j == fieldStart {
                    inQuotes = true
                    fieldQuoted = true
                }
                j += 1
            }
            if j >= end {  // the final record at end of file, without a newline
                if field < fields.slots {
                    fields.starts[field] = fieldStart
                    var e = end
                    if e > fieldStart && p[e - 1] == 0x0D { e -= 1 }
                    fields.ends[field] = e
                    fields.quoted[field] = fieldQuoted
                }
                field += 1
            }
            if j - recordBegin > InputLimits.recordBytes { throw Self.tooLong(file, line: result.lines + 1) }
            result.lines += 1 + lineBreaks
            i = min(j + 1, end)
            consumed = i
            // A blank line is no record.
            if field == 1 && fields.ends[0] == fields.starts[0] { continue }
            try deliver(field, &result, &collector)
            if result.errors.count >= 50 { break recordLoop }
        }
        return consumed
    }

    enum Outcome { case added, bad }

    static func tooLong(_ file: String, line: Int) -> ReportError {
        ReportError("a row is longer than \(InputLimits.recordBytes >> 20) MB (the limit for one record; is this a CSV file?)",
                    at: SourceLocation(file: file, line: line))
    }

    /// Gathers parsed rows into batches (one call per batch, so the sink can overlap the memory loads of
    /// several events). Bytes a row needs beyond the reader's buffer (a lower-cased address, an unquoted field)
    /// are kept in a stash until the batch is handed over.
    ///
    /// Routed to `routes` parts instead (`splitRead`), each event goes to the outbox of its recipient's part,
    /// and the stash stays until `release`.
    struct Collector {
        static let batchSize = 32
        static let stashSize = 1 << 16
        let sink: RawEventSink?
        let file: String
        var events: [RawEvent] = []
        /// The parts routed to (0: the sink gets every event).
        let routes: Int
        var outboxes: [[RawEvent]]
        let stashBase: UnsafeMutablePointer<UInt8>
        var stashUsed = 0
        /// Stashes too large for the stash, freed after their batch.
        var large: [UnsafeMutablePointer<UInt8>] = []

        init(sink: RawEventSink, file: String) {
            self.sink = sink
            self.file = file
            routes = 0
            outboxes = []
            events.reserveCapacity(Self.batchSize)
            stashBase = .allocate(capacity: Self.stashSize)
        }

        init(routingTo parts: Int, file: String) {
            sink = nil
            self.file = file
            routes = parts
            outboxes = Array(repeating: [], count: parts)
            stashBase = .allocate(capacity: Self.stashSize)
        }

        func release() {
            stashBase.deallocate()
            for p in large { p.deallocate() }
        }

        @inline(__always)
        mutating func emit(_ e: RawEvent) {
            if routes > 0 {
                outboxes[RecipientHash.part(e.recipientHash!, of: routes)].append(e)
                return
            }
            events.append(e)
            if events.count >= Self.batchSize { flush() }
        }

        mutating func flush() {
            guard let sink else { return }
            if !events.isEmpty {
                events.withUnsafeBufferPointer { sink.add(batch: $0, file: file) }
                events.removeAll(keepingCapacity: true)
            }
            stashUsed = 0
            for p in large { p.deallocate() }
            large.removeAll()
        }

        /// Room for up to `n` bytes that stays valid until the batch is handed over. Never hands the batch
        /// over itself (a row being parsed may already point into the stash): when the stash is full, the room
        /// comes from the heap instead.
        @inline(__always)
        mutating func reserve(_ n: Int) -> UnsafeMutablePointer<UInt8> {
            if stashUsed + n > Self.stashSize {
                let p = UnsafeMutablePointer<UInt8>.allocate(capacity: max(n, 1))
                large.append(p)
                return p
            }
            defer { stashUsed += n }
            return stashBase + stashUsed
        }

        /// A recipient in its compared form: an address with an upper-case or non-ASCII byte lower-cased into
        /// the stash, anything else as it is.
        @inline(__always)
        mutating func normalized(_ recipient: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
            guard FastEvents.needsLowering(recipient) else { return recipient }
            if recipient.contains(where: { $0 >= 0x80 }) {
                var lowered = String(decoding: recipient, as: UTF8.self).lowercased()
                return lowered.withUTF8 { stash(UnsafeRawBufferPointer($0)) }
            }
            let out = reserve(recipient.count)
            for (k, b) in recipient.enumerated() { out[k] = b >= 0x41 && b <= 0x5A ? b + 32 : b }
            return UnsafeRawBufferPointer(start: out, count: recipient.count)
        }

        mutating func stash(_ bytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
            let out = reserve(bytes.count)
            if bytes.count > 0 { out.update(from: bytes.bindMemory(to: UInt8.self).baseAddress!, count: bytes.count) }
            return UnsafeRawBufferPointer(start: out, count: bytes.count)
        }
    }

    /// One row: parse and hand over, or `.bad` when any field is not what the ordinary parser accepts (the
    /// rules are `EventFields`, the same as the ordinary path's). `recipient` is already in its compared form
    /// (`Collector.normalized`).
    @inline(__always)
    static func handle(time: UnsafeRawBufferPointer, campaign: UnsafeRawBufferPointer, recipient: UnsafeRawBufferPointer,
                       event: UnsafeRawBufferPointer, bounceType: UnsafeRawBufferPointer?, machine: UnsafeRawBufferPointer?,
                       userAgent: UnsafeRawBufferPointer?, ip: UnsafeRawBufferPointer?,
                       url: UnsafeRawBufferPointer?, program: UnsafeRawBufferPointer?, domain: UnsafeRawBufferPointer?,
                       diagnostic: UnsafeRawBufferPointer? = nil, zone: TimeZone, collector: inout Collector, line: Int, recipientHash: UInt64? = nil) -> Outcome {
        guard campaign.count > 0, recipient.count > 0,
              let t = TimeParsing.instant(bytes: time, zone: zone), InputLimits.isSupported(time: t),
              let type = EventFields.eventType(event) else { return .bad }
        var bounce: BounceType?
        if type == .bounce {
            guard case .value(let b) = EventFields.bounceType(bounceType) else { return .bad }
            bounce = b
        }
        var isMachine: Bool?
        if type == .open {
            guard case .value(let m) = EventFields.machine(machine, userAgent: userAgent, ip: ip) else { return .bad }
            isMachine = m
        }
        collector.emit(RawEvent(time: t, campaign: campaign, recipient: recipient, type: type, bounce: bounce, machine: isMachine,
                                url: type == .click ? url : nil, program: program, domain: domain, line: line,
                                recipientHash: recipientHash,
                                reason: type == .bounce || type == .deferred ? EventFields.bounceReason(diagnostic) : nil))
        return .added
    }

    /// Addresses compare lower-cased; ids (no @) exactly. True for an address with an upper-case or non-ASCII
    /// byte (only those need Unicode rules), checked eight bytes at a time: almost no address needs it.
    @inline(__always)
    static func needsLowering(_ b: UnsafeRawBufferPointer) -> Bool {
        let n = b.count
        guard n > 0, let base = b.baseAddress else { return false }
        var found = false
        var i = 0
        while i + 8 <= n {
            let w = base.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            let low = w & 0x7F7F_7F7F_7F7F_7F7F
            // Bit 7 of each byte: set when the byte is >= 0x80, or in 0x41 ... 0x5A (A-Z).
            let upper = (low &+ 0x3F3F_3F3F_3F3F_3F3F) & ~(low &+ 0x2525_2525_2525_2525)
            if (w | upper) & 0x8080_8080_8080_8080 != 0 { found = true; break }
            i += 8
        }
        if !found {
            while i < n {
                let c = base.load(fromByteOffset: i, as: UInt8.self)
                if c >= 0x80 || (c >= 0x41 && c <= 0x5A) { found = true; break }
                i += 1
            }
        }
        return found && b.contains(UInt8(ascii: "@"))
    }

    /// 0x80 in each byte of `w` equal to `c`, 0 elsewhere (exact: no false matches next to a match).
    @inline(__always)
    static func bytes(equalTo c: UInt8, in w: UInt64) -> UInt64 {
        let v = w ^ (UInt64(c) &* 0x0101_0101_0101_0101)
        return ~(((v & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7F7F_7F7F_7F7F_7F7F) | v) & 0x8080_8080_8080_8080
    }
}
