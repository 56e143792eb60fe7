import Foundation
import ReportCore

/// Streams the objects of a JSON array (`[{…},{…}]`) or of JSON Lines / concatenated JSON values, one at a
/// time with the line each starts on, without loading the file whole. Each value's bytes are collected by a
/// small scanner (depth, strings, escapes) and then decoded by `JSONSerialization`.
struct JSONStream {
    enum Failure: Error {
        case syntax(line: Int, message: String)
    }

    static func read(path: String, value: (_ object: Any, _ line: Int) throws -> Void) throws {
        var source = try ByteSource(path: path)
        defer { source.close() }
        var scanner = Scanner()
        var first = true
        while var chunk = try source.next() {
            if first {
                first = false
                if chunk.starts(with: [0xEF, 0xBB, 0xBF]) { chunk = chunk.dropFirst(3) }
            }
            try chunk.withUnsafeBytes { raw in
                try scanner.feed(raw.bindMemory(to: UInt8.self), value: value)
            }
        }
        try scanner.finish()
    }

    static func parse(_ text: String, value: (_ object: Any, _ line: Int) throws -> Void) throws {
        var scanner = Scanner()
        try Array(text.utf8).withUnsafeBufferPointer { try scanner.feed($0, value: value) }
        try scanner.finish()
    }

    struct Scanner {
        private enum Mode { case start, topLevelArray, values, done }
        private var mode = Mode.start
        private var depth = 0  // nesting inside the current value
        private var inString = false
        private var escape = false
        private var buffer: [UInt8] = []
        private var valueLine = 0
        private var line = 1
        private var expectComma = false
        /// Deepest nesting accepted in one value (provider records nest 4 or 5 levels).
        static let maxDepth = 64

        mutating func feed(_ bytes: UnsafeBufferPointer<UInt8>, value: (Any, Int) throws -> Void) throws {
            for c in bytes {
                if c == 0x0A { line += 1 }
                if !buffer.isEmpty {
                    buffer.append(c)
                    if buffer.count > InputLimits.recordBytes {
                        throw Failure.syntax(line: valueLine, message: "a JSON value is longer than \(InputLimits.recordBytes >> 20) MB (the limit for one record)")
                    }
                    if inString {
                        if escape { escape = false } else if c == 0x5C { escape = true } else if c == 0x22 { inString = false }
                        if depth == 0 && !inString { try emit(value) }  // a top-level string value
                        continue
                    }
                    switch c {
                    case 0x22: inString = true
                    case 0x7B, 0x5B:
                        depth += 1
                        // JSONSerialization recurses once per level: past this a hostile file would exhaust the stack.
                        if depth > Self.maxDepth {
                            throw Failure.syntax(line: line, message: "JSON nested deeper than \(Self.maxDepth) levels")
                        }
                    case 0x7D, 0x5D:
                        depth -= 1
                        if depth == 0 { try emit(value) }
                    default:
                        break
                    }
                    continue
                }
                if c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { continue }
                switch mode {
                case .start:
                    if c == 0x5B {
                        mode = .topLevelArray
                        continue
                    }
                    mode = .values
                    try begin(c)
                case .topLevelArray:
                    if c == 0x5D && depth == 0 {
                        mode = .done
                        continue
                    }
                    if c == 0x2C {
                        guard expectComma else { throw Failure.syntax(line: line, message: "unexpected ','") }
                        expectComma = false
                        continue
                    }
                    guard !expectComma else { throw Failure.syntax(line: line, message: "expected ',' or ']' between array items") }
                    try begin(c)
                case .values:
                    try begin(c)
                case .done:
                    throw Failure.syntax(line: line, message: "unexpected text after the closing ']'")
                }
            }
        }

        private mutating func begin(_ c: UInt8) throws {
            guard c == 0x7B || c == 0x5B || c == 0x22 else {
                throw Failure.syntax(line: line, message: "expected a JSON object")
            }
            buffer.append(c)
            valueLine = line
            if c == 0x22 { inString = true } else { depth = 1 }
        }

        private mutating func emit(_ value: (Any, Int) throws -> Void) throws {
            let object: Any
            do {
                object = try JSONSerialization.jsonObject(with: Data(buffer), options: [.fragmentsAllowed])
            } catch {
                throw Failure.syntax(line: valueLine, message: "not valid JSON")
            }
            buffer.removeAll(keepingCapacity: true)
            depth = 0
            if mode == .topLevelArray { expectComma = true }
            try value(object, valueLine)
        }

        mutating func finish() throws {
            if !buffer.isEmpty { throw Failure.syntax(line: valueLine, message: "the JSON value is not closed") }
            if mode == .topLevelArray { throw Failure.syntax(line: line, message: "the JSON array is not closed (missing ']')") }
        }
    }
}

extension JSONStream {
    /// A JSON value as the text a CSV cell would hold: numbers without a trailing `.0`, booleans as
    /// `true`/`false`, null as absent. Nested objects and arrays are not cells.
    static func cellText(_ value: Any) -> String? {
        switch value {
        case is NSNull:
            return nil
        case let s as String:
            return s
        case let n as NSNumber:
            // JSON true/false decode as NSNumber with the `char` type code, numbers never do.
            if String(cString: n.objCType) == "c" { return n.boolValue ? "true" : "false" }
            let d = n.doubleValue
            if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
            return String(d)
        default:
            return nil
        }
    }
}
