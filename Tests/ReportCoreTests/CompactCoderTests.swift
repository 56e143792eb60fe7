import Foundation
import Testing
@testable import ReportCore

/// `CompactCoder`, the build cache's form of the report and of each file's contribution: every kind of
/// `Codable` value comes back as it went in; a key asked for out of order, or missing, is answered as
/// `JSONDecoder` would; bytes cut, damaged or nested without end are a `DecodingError`, never a crash.
@Suite struct CompactCoderTests {
    enum Kind: String, Codable, CodingKeyRepresentable { case open, click }
    enum Shape: Codable, Equatable { case none, circle(radius: Double), pair(Int, String) }

    struct Everything: Codable, Equatable {
        var ints: [Int] = [0, 1, -1, 63, 64, -64, -65, 127, 128, .max, .min]
        var small: [Int8] = [.min, -1, 0, .max]
        var unsigned: [UInt64] = [0, 127, 128, 1 << 35, .max]
        var u8: UInt8 = 255
        var i32: Int32 = .min
        var doubles: [Double] = [0, -0.0, 1.5, -2.25e-308, .leastNonzeroMagnitude, .greatestFiniteMagnitude, .infinity, -.infinity]
        var float: Float = 3.25
        var flags: [Bool] = [true, false]
        var strings: [String] = ["", "a", "Ünïcödé ✉️ 📬", "with \u{0} inside", String(repeating: "long ", count: 100)]
        var missing: String? = nil
        var present: Int? = 7
        var holes: [Int?] = [1, nil, 3, nil]
        var byName: [String: Int] = ["a": 1, "": 2, "ö": 3]
        var byNumber: [Int: String] = [1: "one", -5: "minus five"]
        var byKind: [Kind: Int] = [.open: 3, .click: 1]
        var shapes: [Shape] = [.none, .circle(radius: 2), .pair(-3, "x")]
        var nested: [[String: [Int]]] = [[:], ["x": []], ["y": [1, 2]]]
        var when = Date(timeIntervalSinceReferenceDate: 786_272_402.5)
        var empty: [String] = []
    }

    @Test func everyKindOfValueComesBackAsItWent() throws {
        let value = Everything()
        let back = try CompactCoder.decode(Everything.self, from: CompactCoder.encode(value))
        #expect(back == value)
        // == says −0 is 0: the sign must come back too.
        #expect(back.doubles.map(\.bitPattern) == value.doubles.map(\.bitPattern))
        let nan = try CompactCoder.decode([Double].self, from: CompactCoder.encode([Double.nan, -Double.nan]))
        #expect(nan.count == 2 && nan.allSatisfy(\.isNaN) && nan[1].sign == .minus)
        #expect(try CompactCoder.decode(Int.self, from: CompactCoder.encode(-42)) == -42)
        #expect(try CompactCoder.decode(String?.self, from: CompactCoder.encode(String?.none)) == nil)
    }

    /// A class that encodes its superclass's part through `superEncoder()`, as Foundation's classes do.
    class Base: Codable {
        var id: Int
        init(id: Int) { self.id = id }
    }
    final class Derived: Base {
        var name: String
        init(id: Int, name: String) {
            self.name = name
            super.init(id: id)
        }
        enum Keys: String, CodingKey { case name }
        required init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: Keys.self)
            name = try c.decode(String.self, forKey: .name)
            try super.init(from: c.superDecoder())
        }
        override func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(name, forKey: .name)
            try super.encode(to: c.superEncoder())
        }
    }

    @Test func aSuperclassPartComesBack() throws {
        let back = try CompactCoder.decode(Derived.self, from: CompactCoder.encode(Derived(id: 9, name: "nine")))
        #expect(back.id == 9 && back.name == "nine")
    }

    struct Written: Codable { var a: Int; var b: String; var c: [Int] }
    struct ReadBackwards: Decodable {
        var c: [Int], a: Int, d: Int?, b: String
        enum K: String, CodingKey { case a, b, c, d }
        init(from decoder: Decoder) throws {
            let k = try decoder.container(keyedBy: K.self)
            c = try k.decode([Int].self, forKey: .c)
            d = try k.decodeIfPresent(Int.self, forKey: .d)
            a = try k.decode(Int.self, forKey: .a)
            #expect(k.contains(.b) && !k.contains(.d))
            #expect(Set(k.allKeys.map(\.stringValue)) == ["a", "b", "c"])
            b = try k.decode(String.self, forKey: .b)
        }
    }
    struct NeedsD: Decodable { var d: Int }

    @Test func keysAskedForInAnyOrderOrMissing() throws {
        let bytes = try CompactCoder.encode(Written(a: 1, b: "two", c: [3]))
        let back = try CompactCoder.decode(ReadBackwards.self, from: bytes)
        #expect(back.a == 1 && back.b == "two" && back.c == [3] && back.d == nil)
        #expect {
            try CompactCoder.decode(NeedsD.self, from: bytes)
        } throws: { error in
            guard case DecodingError.keyNotFound(let key, _) = error else { return false }
            return key.stringValue == "d"
        }
    }

    struct Wrapped<T: Codable>: Codable { var inner: [T] }

    @Test func aValueOfAnotherKindIsAnErrorWithItsPath() throws {
        let bytes = try CompactCoder.encode(Wrapped(inner: ["x"]))
        #expect {
            try CompactCoder.decode(Wrapped<Int>.self, from: bytes)
        } throws: { error in
            guard case DecodingError.typeMismatch(_, let context) = error else { return false }
            return context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue } == ["inner", "0"]
        }
        #expect(throws: DecodingError.self) { try CompactCoder.decode(UInt8.self, from: CompactCoder.encode(256)) }
        #expect(throws: DecodingError.self) { try CompactCoder.decode(UInt.self, from: CompactCoder.encode(-1)) }
        #expect(throws: DecodingError.self) { try CompactCoder.decode([Int].self, from: CompactCoder.encode(["a": 1])) }
    }

    @Test func cutOrDamagedBytesAreAnErrorNeverACrash() throws {
        let bytes = try CompactCoder.encode(Everything())
        for n in 0..<bytes.count {
            #expect(throws: DecodingError.self) { try CompactCoder.decode(Everything.self, from: Array(bytes[0..<n])) }
        }
        #expect(throws: DecodingError.self) { try CompactCoder.decode(Everything.self, from: bytes + [0]) }
        // Every byte changed to a few other values: an error or some value, but never a trap or a read out of bounds.
        var errors = 0
        for i in bytes.indices {
            for v: UInt8 in [0, 7, 9, 0x80, 0xFF] where v != bytes[i] {
                var damaged = bytes
                damaged[i] = v
                if (try? CompactCoder.decode(Everything.self, from: damaged)) == nil { errors += 1 }
            }
        }
        #expect(errors > bytes.count)
    }

    @Test func containersNestedWithoutEndAreRefused() throws {
        // 10,000 unkeyed containers, each holding the next: built by hand, as no Swift type nests so deep.
        var bytes: [UInt8] = []
        let depth = 10_000
        for level in 0..<depth {
            let inner = UInt32(6 * (depth - level - 1) + 1)
            bytes += [CompactCoder.Tag.unkeyed.rawValue] + withUnsafeBytes(of: inner.littleEndian, Array.init) + [level == depth - 1 ? 0 : 1]
        }
        #expect {
            try CompactCoder.decode([[Int]].self, from: bytes)
        } throws: { error in
            "\(error)".contains("nested more than \(CompactInput.maxDepth) deep")
        }
        // A container that says it holds more entries than it has, or a length past the end.
        let two = try CompactCoder.encode([1, 2])
        var more = two
        more[5] = 3
        #expect(throws: DecodingError.self) { try CompactCoder.decode([Int].self, from: more) }
        var long = two
        long[1] = 0xFF
        #expect(throws: DecodingError.self) { try CompactCoder.decode([Int].self, from: long) }
    }
}
