import Foundation
import ReportCore

/// The fast path for canonical recipient events in CSV: a byte-level scanner that hands each record's field
/// ranges to a `RawEventSink` without making a `String` per field. Large files are split in two at a line
/// boundary and read on two threads into two sinks. A row the fast path cannot take (a field it cannot parse)
/// is parsed again by the ordinary path, so errors read exactly the same.
enum FastEvents {
    /// Field positions of the canonical event columns in the header (-1 where absent).
    struct Layout {
        var time = -1, campaign = -1, recipient = -1, event = -1, bounceType = -1, machine = -1, url = -1, program = -1, domain = -1
        var count = 0
        var names: [String?] = []
        var unknown: [String] = []
    }

    /// Reads `path` (a CSV whose header maps to event columns) into sinks; returns (rows read, sinks used).
    /// `progress` gets bytes done of the total. Throws the ordinary `ReportError` of the first bad row.
    static func read(path: String, file: String, layout: Layout, zone: TimeZone, lenient: Bool, workers: Int,
                     makeSink: () -> RawEventSink, skipped: inout Int, progress: ((Int64, Int64) -> Void)?) throws -> (rows: Int, sinks: [RawEventSink]) {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw ReportError("cannot open the file", at: SourceLocation(file: file)) }
        defer { close(fd) }
        // The size of what was opened (a symlink's target, not the link).
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw ReportError("cannot read the file", at: SourceLocation(file: file)) }
        let size = Int64(st.st_size)
        // The header line ends where the data begins.
        let headerEnd = Self.headerEnd(fd: fd)
        let ranges: [(Int64, Int64)]
        if workers > 1 && size > 64 << 20 {
            let cut = nextLineStart(fd: fd, from: headerEnd + (size - headerEnd) / 2, size: size)
            ranges = [(headerEnd, cut), (cut, size)]
        } else {
            ranges = [(headerEnd, size)]
        }
        let sinks = ranges.map { _ in makeSink() }
        var results = [Result<Scan, Error>](repeating: .failure(CancellationError()), count: ranges.count)
        let progressLock = NSLock()
        var done = [Int64](repeating: 0, count: ranges.count)
        let report: (Int, Int64) -> Void = { i, bytes in
            guard let progress else { return }
            progressLock.lock()
            done[i] = bytes
            let total = done.reduce(0, +)
            progressLock.unlock()
            progress(total, size - headerEnd)
        }
        let box = ResultsBox(results)
        // Each worker touches only its own sink and range; progress reports go through a lock.
        let shared = Unchecked((sinks, report))
        DispatchQueue.concurrentPerform(iterations: ranges.count) { i in
            let (sinks, report) = shared.value
            let r = Result {
                try scan(fd: fd, range: ranges[i], layout: layout, zone: zone, lenient: lenient, sink: sinks[i], file: file) { report(i, $0) }
            }
            box.set(i, r)
        }
        results = box.results
        var rows = 0
        var lineBase = 1  // the header is line 1
        var errors: [ReportError] = []
        for (i, result) in results.enumerated() {
            let scanned = try result.get()
            if scanned.oddQuotes && i + 1 < results.count {
                // The cut fell inside a quoted field: read the file again on one thread, into new sinks.
                return try read(path: path, file: file, layout: layout, zone: zone, lenient: lenient, workers: 1, makeSink: makeSink, skipped: &skipped, progress: progress)
            }
            for var e in scanned.errors {
                let relative = e.location?.line ?? 0
                e.location?.line = relative + lineBase
                errors.append(e)
            }
            rows += scanned.rows
            skipped += scanned.skipped
            lineBase += scanned.lines
        }
        if !errors.isEmpty { throw ReportErrors(Array(errors.prefix(50))) }
        return (rows, sinks)
    }

    final class ResultsBox: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var results: [Result<Scan, Error>]
        init(_ r: [Result<Scan, Error>]) { results = r }
        func set(_ i: Int, _ r: Result<Scan, Error>) {
            lock.lock()
            results[i] = r
            lock.unlock()
        }
    }

    struct Scan {
        var rows = 0
        var lines = 0
        var skipped = 0
        var oddQuotes = false
        /// Rejected rows, their lines counted from the start of the worker's range.
        var errors: [ReportError] = []
    }

    static func headerEnd(fd: Int32) -> Int64 {
        var buf = [UInt8](repeating: 0, count: 65536)
        let n = pread(fd, &buf, buf.count, 0)
        guard n > 0, let nl = buf[..<n].firstIndex(of: 0x0A) else { return Int64(max(n, 0)) }
        return Int64(nl + 1)
    }

    static func nextLineStart(fd: Int32, from: Int64, size: Int64) -> Int64 {
        var buf = [UInt8](repeating: 0, count: 65536)
        var at = from
        while at < size {
            let n = pread(fd, &buf, buf.count, off_t(at))
            guard n > 0 else { break }
            if let nl = buf[..<n].firstIndex(of: 0x0A) { return at + Int64(nl) + 1 }
            at += Int64(n)
        }
        return size
    }

    /// Scans one byte range record by record. Quoted fields are handled (their quotes removed, `""` kept as
    /// `"`); a record may span reads.
    static func scan(fd: Int32, range: (Int64, Int64), layout: Layout, zone: TimeZone, lenient: Bool, sink: RawEventSink,
                     file: String, progress: (Int64) -> Void) throws -> Scan {
        var result = Scan()
        let chunk = 4 << 20
        var buffer = [UInt8](repeating: 0, count: chunk + 65536)
        var carry = 0        // bytes of an unfinished record at the start of `buffer`
        var offset = range.0
        var quotes = 0
        var starts = [Int](repeating: 0, count: max(layout.count, 1) + 1)
        var ends = [Int](repeating: 0, count: max(layout.count, 1) + 1)
        var quoted = [Bool](repeating: false, count: max(layout.count, 1) + 1)
        var scratch = [UInt8]()
        while offset < range.1 || carry > 0 {
            let want = Int(min(Int64(chunk), range.1 - offset))
            if carry + want > buffer.count { buffer += [UInt8](repeating: 0, count: carry + want - buffer.count) }
            var n = 0
            if want > 0 {
                n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + carry, want, off_t(offset)) }
                if n < 0 { throw ReportError("cannot read the file", at: SourceLocation(file: file)) }
                offset += Int64(n)
            }
            let end = carry + n
            let atEOF = offset >= range.1
            var consumed = 0
            try buffer.withUnsafeMutableBytes { raw in
                let p = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
                /// Parses one record's fields (in starts/ends/quoted) and hands the event over.
                func deliver(_ field: Int) throws {
                    if field > layout.count {
                        if lenient { result.skipped += 1; return }
                        result.errors.append(ReportError("has \(field) fields but the header has \(layout.count)", at: SourceLocation(file: file, line: result.lines)))
                        return
                    }
                    for k in field..<layout.count { starts[k] = 0; ends[k] = 0; quoted[k] = false }
                    func bytes(_ k: Int) -> UnsafeRawBufferPointer? {
                        guard k >= 0 else { return nil }
                        var s = starts[k], e = ends[k]
                        if quoted[k] {
                            // Drop the quotes; undouble `""` into a scratch copy only when there is one inside.
                            s += 1
                            if e > s && p[e - 1] == 0x22 { e -= 1 }
                            var hasEscape = false
                            var x = s
                            while x < e { if p[x] == 0x22 { hasEscape = true; break }; x += 1 }
                            if hasEscape {
                                scratch.removeAll(keepingCapacity: true)
                                x = s
                                while x < e {
                                    scratch.append(p[x])
                                    x += p[x] == 0x22 && x + 1 < e && p[x + 1] == 0x22 ? 2 : 1
                                }
                                return scratch.withUnsafeBytes { UnsafeRawBufferPointer(start: $0.baseAddress, count: $0.count) }
                            }
                        }
                        while s < e && p[s] == 0x20 { s += 1 }
                        while e > s && p[e - 1] == 0x20 { e -= 1 }
                        return UnsafeRawBufferPointer(start: p + s, count: e - s)
                    }
                    let ok = handle(
                        time: bytes(layout.time)!, campaign: bytes(layout.campaign)!, recipient: bytes(layout.recipient)!,
                        event: bytes(layout.event)!, bounceType: bytes(layout.bounceType), machine: bytes(layout.machine),
                        url: bytes(layout.url), program: bytes(layout.program), domain: bytes(layout.domain),
                        zone: zone, sink: sink, file: file, line: result.lines)
                    if ok {
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
                    var field = 0
                    // Most lines have no quote: find the line's end and its commas with memchr (vectorised in
                    // the C library). Lines with a quote go through the state machine below.
                    let newline = memchr(p + i, 0x0A, end - i)
                    if newline != nil || atEOF {
                        let lineEnd = newline.map { UnsafeMutablePointer<UInt8>(OpaquePointer($0)) - p } ?? end
                        if memchr(p + i, 0x22, lineEnd - i) == nil {
                            var k = i
                            var fieldStart = i
                            while k < lineEnd, let comma = memchr(p + k, 0x2C, lineEnd - k) {
                                let at = UnsafeMutablePointer<UInt8>(OpaquePointer(comma)) - p
                                if field < starts.count {
                                    starts[field] = fieldStart
                                    ends[field] = at
                                    quoted[field] = false
                                }
                                field += 1
                                k = at + 1
                                fieldStart = k
                            }
                            if field < starts.count {
                                starts[field] = fieldStart
                                ends[field] = lineEnd > fieldStart && p[lineEnd - 1] == 0x0D ? lineEnd - 1 : lineEnd
                                quoted[field] = false
                            }
                            field += 1
                            result.lines += 1
                            i = min(lineEnd + 1, end)
                            consumed = i
                            if field == 1 && ends[0] == starts[0] { continue recordLoop }
                            try deliver(field)
                            if result.errors.count >= 50 { break recordLoop }
                            continue recordLoop
                        }
                    } else {
                        break recordLoop  // unfinished line: carry it over
                    }
                    // One record: fields split by commas outside quotes, ended by LF (CR before it dropped).
                    let recordStart = i
                    var inQuotes = false
                    var fieldStart = i
                    var fieldQuoted = false
                    var lineBreaks = 0
                    var j = i
                    while true {
                        if j >= end {
                            if atEOF && j > recordStart { break }  // last record without a newline
                            break recordLoop                       // unfinished: carry it over
                        }
                        let c = p[j]
                        if inQuotes {
                            if c == 0x22 {
                                quotes += 1
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
                            if field < starts.count {
                                starts[field] = fieldStart
                                var e = j
                                if c == 0x0A && e > fieldStart && p[e - 1] == 0x0D { e -= 1 }
                                ends[field] = e
                                quoted[field] = fieldQuoted
                            }
                            field += 1
                            if c == 0x0A { break }
                            fieldStart = j + 1
                            fieldQuoted = false
                        } else if c == 0x22 && j == fieldStart {
                            inQuotes = true
                            fieldQuoted = true
                            quotes += 1
                        }
                        j += 1
                    }
                    if j >= end {  // the final record at end of file, without a newline
                        if field < starts.count {
                            starts[field] = fieldStart
                            var e = end
                            if e > fieldStart && p[e - 1] == 0x0D { e -= 1 }
                            ends[field] = e
                            quoted[field] = fieldQuoted
                        }
                        field += 1
                    }
                    result.lines += 1 + lineBreaks
                    i = min(j + 1, end)
                    consumed = i
                    // A blank line is no record.
                    if field == 1 && ends[0] == starts[0] { continue }
                    try deliver(field)
                    if result.errors.count >= 50 { break recordLoop }
                }
            }
            // Move the unfinished record to the front.
            carry = end - consumed
            if carry > 0 && consumed > 0 {
                buffer.withUnsafeMutableBytes { raw in
                    _ = memmove(raw.baseAddress!, raw.baseAddress! + consumed, carry)
                }
            }
            if atEOF && carry > 0 && n == 0 { break }
            progress(offset - range.0)
        }
        result.oddQuotes = quotes % 2 == 1
        return result
    }

    /// One row: parse and hand over, or false when any field is not what the ordinary parser accepts.
    @inline(__always)
    static func handle(time: UnsafeRawBufferPointer, campaign: UnsafeRawBufferPointer, recipient: UnsafeRawBufferPointer,
                       event: UnsafeRawBufferPointer, bounceType: UnsafeRawBufferPointer?, machine: UnsafeRawBufferPointer?,
                       url: UnsafeRawBufferPointer?, program: UnsafeRawBufferPointer?, domain: UnsafeRawBufferPointer?,
                       zone: TimeZone, sink: RawEventSink, file: String, line: Int) -> Bool {
        guard campaign.count > 0, recipient.count > 0,
              let t = TimeParsing.instant(bytes: time, zone: zone),
              let type = eventType(event) else { return false }
        var bounce: BounceType?
        if type == .bounce {
            if let b = bounceType, b.count > 0 {
                if word(b, "hard") { bounce = .hard } else if word(b, "soft") { bounce = .soft } else { return false }
            } else {
                bounce = .hard
            }
        }
        var isMachine: Bool?
        if type == .open, let m = machine, m.count > 0 {
            if word(m, "true") || word(m, "1") || word(m, "yes") {
                isMachine = true
            } else if word(m, "false") || word(m, "0") || word(m, "no") {
                isMachine = false
            } else {
                return false
            }
        }
        // Addresses compare lower-cased; ids (no @) exactly. Only non-ASCII addresses need Unicode rules.
        if recipient.contains(UInt8(ascii: "@")) && recipient.contains(where: { ($0 >= 0x41 && $0 <= 0x5A) || $0 >= 0x80 }) {
            if recipient.contains(where: { $0 >= 0x80 }) {
                var lowered = String(decoding: recipient, as: UTF8.self).lowercased()
                lowered.withUTF8 {
                    sink.add(time: t, campaign: campaign, recipient: UnsafeRawBufferPointer($0), type: type, bounce: bounce, machine: isMachine,
                             url: type == .click ? url : nil, program: program, domain: domain, file: file, line: line)
                }
            } else {
                withUnsafeTemporaryAllocation(of: UInt8.self, capacity: recipient.count) { buf in
                    for (k, b) in recipient.enumerated() { buf[k] = b >= 0x41 && b <= 0x5A ? b + 32 : b }
                    sink.add(time: t, campaign: campaign, recipient: UnsafeRawBufferPointer(buf), type: type, bounce: bounce, machine: isMachine,
                             url: type == .click ? url : nil, program: program, domain: domain, file: file, line: line)
                }
            }
        } else {
            sink.add(time: t, campaign: campaign, recipient: recipient, type: type, bounce: bounce, machine: isMachine,
                     url: type == .click ? url : nil, program: program, domain: domain, file: file, line: line)
        }
        return true
    }

    /// Bytes equal to a lower-case ASCII word, ignoring case.
    @inline(__always)
    static func word(_ b: UnsafeRawBufferPointer, _ w: StaticString) -> Bool {
        guard b.count == w.utf8CodeUnitCount else { return false }
        let p = w.utf8Start
        for i in 0..<b.count {
            let c = b[i]
            if (c >= 0x41 && c <= 0x5A ? c + 32 : c) != p[i] { return false }
        }
        return true
    }

    static func lowerWord(_ b: UnsafeRawBufferPointer) -> String {
        String(decoding: b, as: UTF8.self).lowercased()
    }

    @inline(__always)
    static func eventType(_ b: UnsafeRawBufferPointer) -> EventType? {
        func eq(_ s: StaticString) -> Bool {
            guard b.count == s.utf8CodeUnitCount else { return false }
            return memcmp(b.baseAddress!, s.utf8Start, b.count) == 0
        }
        switch b.count {
        case 4: if eq("sent") { return .sent }; if eq("open") { return .open }
        case 5: if eq("click") { return .click }; if eq("reply") { return .reply }
        case 6: if eq("bounce") { return .bounce }
        case 7: if eq("dropped") { return .dropped }; if eq("forward") { return .forward }
        case 9: if eq("delivered") { return .delivered }; if eq("complaint") { return .complaint }
        case 11: if eq("unsubscribe") { return .unsubscribe }
        case 16: if eq("deleted_unopened") { return .deletedUnopened }
        default: break
        }
        // Upper or mixed case: the ordinary rule (lower-cased names).
        guard b.contains(where: { $0 >= 0x41 && $0 <= 0x5A }) else { return nil }
        return EventType(name: lowerWord(b))
    }
}

#if canImport(Glibc)
import Glibc
#endif
