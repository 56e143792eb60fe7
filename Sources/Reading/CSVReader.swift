import Foundation
import ReportCore

/// RFC 4180 CSV, streamed: quoted fields with `""` escapes and line breaks, CRLF or LF, a UTF-8 BOM.
/// Calls `row` with each record's fields and the line the record starts on (1-based, the header is line 1).
struct CSVReader {
    enum Failure: Error {
        case unterminatedQuote(line: Int)
        /// A record (or a field in it) longer than `InputLimits.recordBytes`.
        case recordTooLong(line: Int)

        /// The failure as the error a user sees, at its line of `file`.
        func error(in file: String) -> ReportError {
            switch self {
            case .unterminatedQuote(let line):
                return ReportError("a quoted field is never closed (a missing \")", at: SourceLocation(file: file, line: line))
            case .recordTooLong(let line):
                return ReportError("a row is longer than \(InputLimits.recordBytes >> 20) MB (the limit for one record; is this a CSV file?)", at: SourceLocation(file: file, line: line))
            }
        }
    }

    static func read(path: String, row: (_ fields: [String], _ line: Int) throws -> Void) throws {
        var source = try ByteSource(path: path)
        defer { source.close() }
        var parser = Parser()
        var first = true
        while var chunk = try source.next() {
            if first {
                first = false
                if chunk.starts(with: [0xEF, 0xBB, 0xBF]) { chunk = chunk.dropFirst(3) }
            }
            try chunk.withUnsafeBytes { raw in
                try parser.feed(raw.bindMemory(to: UInt8.self), row: row)
            }
        }
        try parser.finish(row: row)
    }

    /// Parses an in-memory text (tests, small inputs).
    static func parse(_ text: String, row: (_ fields: [String], _ line: Int) throws -> Void) throws {
        var parser = Parser()
        var bytes = Array(text.utf8)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        try bytes.withUnsafeBufferPointer { try parser.feed($0, row: row) }
        try parser.finish(row: row)
    }

    struct Parser {
        private var fields: [String] = []
        private var field: [UInt8] = []
        private var inQuotes = false
        private var quoteInQuoted = false  // saw `"` inside a quoted field: an escape or the closing quote
        private var afterCR = false
        private var line = 1
        private var recordLine = 1
        private var recordHasContent = false
        /// Bytes of the record so far: checked as it grows, so a file with no line break fails in one pass.
        private var recordBytes = 0

        init() {
            field.reserveCapacity(256)
        }

        mutating func feed(_ bytes: UnsafeBufferPointer<UInt8>, row: ([String], Int) throws -> Void) throws {
            recordBytes += bytes.count
            if recordBytes > InputLimits.recordBytes, fields.reduce(field.count, { $0 + $1.utf8.count }) > InputLimits.recordBytes {
                throw Failure.recordTooLong(line: recordLine)
            }
            for c in bytes {
                if afterCR {
                    afterCR = false
                    if c == 0x0A { continue }
                }
                if inQuotes {
                    if quoteInQuoted {
                        quoteInQuoted = false
                        if c == 0x22 {
                            field.append(0x22)
                            continue
                        }
                        inQuotes = false
                        // fall through: the byte after the closing quote is handled as unquoted
                    } else if c == 0x22 {
                        quoteInQuoted = true
                        continue
                    } else {
                        if c == 0x0A { line += 1 }
                        field.append(c)
                        continue
                    }
                }
                switch c {
                case 0x2C:  // ,
                    endField()
                    recordHasContent = true
                case 0x0A, 0x0D:  // LF, CR
                    if c == 0x0D { afterCR = true }
                    try endRecord(row: row)
                    line += 1
                    recordLine = line
                case 0x22 where field.isEmpty:
                    inQuotes = true
                    recordHasContent = true
                default:
                    field.append(c)
                    recordHasContent = true
                }
            }
        }

        mutating func finish(row: ([String], Int) throws -> Void) throws {
            if inQuotes && !quoteInQuoted { throw Failure.unterminatedQuote(line: recordLine) }
            inQuotes = false
            quoteInQuoted = false
            try endRecord(row: row)
        }

        private mutating func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
        }

        private mutating func endRecord(row: ([String], Int) throws -> Void) throws {
            if quoteInQuoted {
                quoteInQuoted = false
                inQuotes = false
            }
            guard recordHasContent || !field.isEmpty else { return }  // blank line
            endField()
            let done = fields
            fields.removeAll(keepingCapacity: true)
            recordHasContent = false
            recordBytes = 0
            try row(done, recordLine)
        }
    }
}
