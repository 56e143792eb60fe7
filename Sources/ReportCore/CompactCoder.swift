#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A binary form of any `Codable` value, for the build cache (`BuildCache`): what JSON would hold, without the
/// text. A note edit decodes the whole cached report before it draws a page, and `JSONDecoder` spent most of
/// that time making a dictionary of every object's keys; this format is read in place.
///
/// Each value is a tag byte and its body:
/// - nil, false, true: the tag alone;
/// - a signed integer: zigzag LEB128; an unsigned one: LEB128; a floating-point number: the 8 bytes of its
///   `Double` bit pattern, little-endian (so infinities, NaN and −0 come back as they went in);
/// - a string: its UTF-8 length (LEB128), then the bytes;
/// - a keyed or unkeyed container: its body's length in 4 bytes (little-endian), the number of entries
///   (LEB128), then the entries: for a keyed one each key as a string body, then its value.
///
/// Every value's length is known from its first bytes, so a keyed container finds a key by stepping over the
/// values before it, from where the last key was found: the keys a synthesized `init(from:)` asks for come in
/// the order `encode(to:)` wrote them, so each is found at the first look. Nothing here trusts the bytes: they
/// are checked whole before anything is decoded, and a length that runs past its container, an unknown tag,
/// containers nested deeper than `CompactInput.maxDepth` or a value of the wrong kind is a `DecodingError`.
/// (The cache file around it is checksummed as well.) Keys are compared as UTF-8 bytes.
public enum CompactCoder {
    enum Tag: UInt8 {
        case null = 0, `false`, `true`, int, uint, double, string, keyed, unkeyed
    }

    /// The bytes of `value`.
    public static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let encoder = CompactValueEncoder(path: [])
        try value.encode(to: encoder)
        var out: [UInt8] = []
        out.reserveCapacity(1 << 16)
        try (encoder.value ?? .container(EncodedContainer(keyed: true))).write(to: &out)
        return out
    }

    /// The value of type `T` that `encode` turned into `bytes`; `userInfo` is handed to every `init(from:)`.
    /// The bytes are checked whole first: a cut or damaged value is a `DecodingError`, never a crash.
    public static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8], userInfo: [CodingUserInfoKey: Any] = [:]) throws -> T {
        try bytes.withUnsafeBytes { buffer in
            let input = CompactInput(buffer, userInfo: userInfo)
            let end = try input.check(0, limit: buffer.count)
            guard end == buffer.count else {
                throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "\(buffer.count - end) bytes after the value"))
            }
            return try T(from: CompactValueDecoder(input: input, at: 0, path: .root))
        }
    }
}

// MARK: - Encoding

/// A value being encoded. Containers are classes: a nested container handed out earlier may still be written to.
enum EncodedValue {
    case null, bool(Bool), int(Int64), uint(UInt64), double(Double), string(String)
    case container(EncodedContainer)
    /// A `superEncoder()`'s value, known only once its caller has encoded into it.
    case later(CompactValueEncoder)

    func write(to out: inout [UInt8]) throws {
        switch self {
        case .null: out.append(CompactCoder.Tag.null.rawValue)
        case .bool(let b): out.append(b ? CompactCoder.Tag.true.rawValue : CompactCoder.Tag.false.rawValue)
        case .int(let v):
            out.append(CompactCoder.Tag.int.rawValue)
            Self.leb128(UInt64(bitPattern: (v << 1) ^ (v >> 63)), to: &out)
        case .uint(let v):
            out.append(CompactCoder.Tag.uint.rawValue)
            Self.leb128(v, to: &out)
        case .double(let d):
            out.append(CompactCoder.Tag.double.rawValue)
            withUnsafeBytes(of: d.bitPattern.littleEndian) { out.append(contentsOf: $0) }
        case .string(let s):
            out.append(CompactCoder.Tag.string.rawValue)
            Self.string(s, to: &out)
        case .container(let c):
            out.append(c.keyed ? CompactCoder.Tag.keyed.rawValue : CompactCoder.Tag.unkeyed.rawValue)
            let lengthAt = out.count
            out.append(contentsOf: [0, 0, 0, 0])
            Self.leb128(UInt64(c.values.count), to: &out)
            for (i, v) in c.values.enumerated() {
                if c.keyed { Self.string(c.keys[i], to: &out) }
                try v.write(to: &out)
            }
            let length = out.count - lengthAt - 4
            guard let length32 = UInt32(exactly: length) else {
                throw EncodingError.invalidValue(length, .init(codingPath: [], debugDescription: "a container of more than 4 GB"))
            }
            withUnsafeBytes(of: length32.littleEndian) { bytes in
                for k in 0..<4 { out[lengthAt + k] = bytes[k] }
            }
        case .later(let encoder):
            try (encoder.value ?? .container(EncodedContainer(keyed: true))).write(to: &out)
        }
    }

    static func leb128(_ value: UInt64, to out: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }

    static func string(_ s: String, to out: inout [UInt8]) {
        var s = s
        s.withUTF8 { utf8 in
            leb128(UInt64(utf8.count), to: &out)
            out.append(contentsOf: utf8)
        }
    }
}

final class EncodedContainer {
    let keyed: Bool
    var keys: [String] = []
    var values: [EncodedValue] = []
    init(keyed: Bool) { self.keyed = keyed }
}

final class CompactValueEncoder: Encoder {
    let codingPath: [CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    var value: EncodedValue?

    init(path: [CodingKey]) { codingPath = path }

    private func container(keyed: Bool) -> EncodedContainer {
        if case .container(let c)? = value, c.keyed == keyed { return c }
        let c = EncodedContainer(keyed: keyed)
        value = .container(c)
        return c
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(CompactKeyedEncoding<Key>(box: container(keyed: true), codingPath: codingPath))
    }

    func unkeyedContainer() -> UnkeyedEncodingContainer {
        CompactUnkeyedEncoding(box: container(keyed: false), codingPath: codingPath)
    }

    func singleValueContainer() -> SingleValueEncodingContainer { self }

    /// `value` encoded by its own `encode(to:)` at `path`.
    static func encoded<T: Encodable>(_ value: T, at path: [CodingKey]) throws -> EncodedValue {
        let encoder = CompactValueEncoder(path: path)
        try value.encode(to: encoder)
        return encoder.value ?? .container(EncodedContainer(keyed: true))
    }
}

extension CompactValueEncoder: SingleValueEncodingContainer {
    func encodeNil() throws { value = .null }
    func encode(_ v: Bool) throws { value = .bool(v) }
    func encode(_ v: String) throws { value = .string(v) }
    func encode(_ v: Double) throws { value = .double(v) }
    func encode(_ v: Float) throws { value = .double(Double(v)) }
    func encode(_ v: Int) throws { value = .int(Int64(v)) }
    func encode(_ v: Int8) throws { value = .int(Int64(v)) }
    func encode(_ v: Int16) throws { value = .int(Int64(v)) }
    func encode(_ v: Int32) throws { value = .int(Int64(v)) }
    func encode(_ v: Int64) throws { value = .int(v) }
    func encode(_ v: UInt) throws { value = .uint(UInt64(v)) }
    func encode(_ v: UInt8) throws { value = .uint(UInt64(v)) }
    func encode(_ v: UInt16) throws { value = .uint(UInt64(v)) }
    func encode(_ v: UInt32) throws { value = .uint(UInt64(v)) }
    func encode(_ v: UInt64) throws { value = .uint(v) }
    func encode<T: Encodable>(_ v: T) throws { value = try Self.encoded(v, at: codingPath) }
}

struct CompactKeyedEncoding<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let box: EncodedContainer
    let codingPath: [CodingKey]

    private func put(_ v: EncodedValue, _ key: Key) {
        box.keys.append(key.stringValue)
        box.values.append(v)
    }

    mutating func encodeNil(forKey key: Key) throws { put(.null, key) }
    mutating func encode(_ v: Bool, forKey key: Key) throws { put(.bool(v), key) }
    mutating func encode(_ v: String, forKey key: Key) throws { put(.string(v), key) }
    mutating func encode(_ v: Double, forKey key: Key) throws { put(.double(v), key) }
    mutating func encode(_ v: Float, forKey key: Key) throws { put(.double(Double(v)), key) }
    mutating func encode(_ v: Int, forKey key: Key) throws { put(.int(Int64(v)), key) }
    mutating func encode(_ v: Int8, forKey key: Key) throws { put(.int(Int64(v)), key) }
    mutating func encode(_ v: Int16, forKey key: Key) throws { put(.int(Int64(v)), key) }
    mutating func encode(_ v: Int32, forKey key: Key) throws { put(.int(Int64(v)), key) }
    mutating func encode(_ v: Int64, forKey key: Key) throws { put(.int(v), key) }
    mutating func encode(_ v: UInt, forKey key: Key) throws { put(.uint(UInt64(v)), key) }
    mutating func encode(_ v: UInt8, forKey key: Key) throws { put(.uint(UInt64(v)), key) }
    mutating func encode(_ v: UInt16, forKey key: Key) throws { put(.uint(UInt64(v)), key) }
    mutating func encode(_ v: UInt32, forKey key: Key) throws { put(.uint(UInt64(v)), key) }
    mutating func encode(_ v: UInt64, forKey key: Key) throws { put(.uint(v), key) }
    mutating func encode<T: Encodable>(_ v: T, forKey key: Key) throws {
        put(try CompactValueEncoder.encoded(v, at: codingPath + [key]), key)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        let c = EncodedContainer(keyed: true)
        put(.container(c), key)
        return KeyedEncodingContainer(CompactKeyedEncoding<NestedKey>(box: c, codingPath: codingPath + [key]))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> UnkeyedEncodingContainer {
        let c = EncodedContainer(keyed: false)
        put(.container(c), key)
        return CompactUnkeyedEncoding(box: c, codingPath: codingPath + [key])
    }

    mutating func superEncoder() -> Encoder { superEncoder(named: CompactKey.super) }
    mutating func superEncoder(forKey key: Key) -> Encoder { superEncoder(named: key) }
    private mutating func superEncoder(named key: CodingKey) -> Encoder {
        let encoder = CompactValueEncoder(path: codingPath + [key])
        box.keys.append(key.stringValue)
        box.values.append(.later(encoder))
        return encoder
    }
}

struct CompactUnkeyedEncoding: UnkeyedEncodingContainer {
    let box: EncodedContainer
    let codingPath: [CodingKey]
    var count: Int { box.values.count }

    private func put(_ v: EncodedValue) { box.values.append(v) }

    mutating func encodeNil() throws { put(.null) }
    mutating func encode(_ v: Bool) throws { put(.bool(v)) }
    mutating func encode(_ v: String) throws { put(.string(v)) }
    mutating func encode(_ v: Double) throws { put(.double(v)) }
    mutating func encode(_ v: Float) throws { put(.double(Double(v))) }
    mutating func encode(_ v: Int) throws { put(.int(Int64(v))) }
    mutating func encode(_ v: Int8) throws { put(.int(Int64(v))) }
    mutating func encode(_ v: Int16) throws { put(.int(Int64(v))) }
    mutating func encode(_ v: Int32) throws { put(.int(Int64(v))) }
    mutating func encode(_ v: Int64) throws { put(.int(v)) }
    mutating func encode(_ v: UInt) throws { put(.uint(UInt64(v))) }
    mutating func encode(_ v: UInt8) throws { put(.uint(UInt64(v))) }
    mutating func encode(_ v: UInt16) throws { put(.uint(UInt64(v))) }
    mutating func encode(_ v: UInt32) throws { put(.uint(UInt64(v))) }
    mutating func encode(_ v: UInt64) throws { put(.uint(v)) }
    mutating func encode<T: Encodable>(_ v: T) throws {
        put(try CompactValueEncoder.encoded(v, at: codingPath + [CompactKey(index: count)]))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let c = EncodedContainer(keyed: true)
        let path = codingPath + [CompactKey(index: count)]
        put(.container(c))
        return KeyedEncodingContainer(CompactKeyedEncoding<NestedKey>(box: c, codingPath: path))
    }

    mutating func nestedUnkeyedContainer() -> UnkeyedEncodingContainer {
        let c = EncodedContainer(keyed: false)
        let path = codingPath + [CompactKey(index: count)]
        put(.container(c))
        return CompactUnkeyedEncoding(box: c, codingPath: path)
    }

    mutating func superEncoder() -> Encoder {
        let encoder = CompactValueEncoder(path: codingPath + [CompactKey(index: count)])
        put(.later(encoder))
        return encoder
    }
}

/// The keys of a coding path that are not the caller's own: an index into an unkeyed container, `super`.
struct CompactKey: CodingKey {
    private let name: String?
    let intValue: Int?
    /// Worked out when asked (an error's path), not for every value of an array.
    var stringValue: String { name ?? "Index \(intValue ?? 0)" }
    init(stringValue: String) {
        name = stringValue
        intValue = nil
    }
    init(intValue: Int) { self.init(index: intValue) }
    init(index: Int) {
        name = nil
        intValue = index
    }
    static let `super` = CompactKey(stringValue: "super")
}

// MARK: - Decoding

/// The bytes being decoded, for the time of one `decode`. `check` goes over them once before anything is
/// decoded; after it, every tag is known and every length stays inside its container, so the reads below
/// need no bounds of their own.
final class CompactInput {
    let bytes: UnsafeRawBufferPointer
    let userInfo: [CodingUserInfoKey: Any]
    /// Containers nested deeper than this are refused: no type of the cache's nests nearly as deep.
    static let maxDepth = 200

    init(_ bytes: UnsafeRawBufferPointer, userInfo: [CodingUserInfoKey: Any]) {
        self.bytes = bytes
        self.userInfo = userInfo
    }

    // MARK: Checking

    private func corrupted(_ what: String, at p: Int) -> DecodingError {
        .dataCorrupted(.init(codingPath: [], debugDescription: "\(what) at byte \(p)"))
    }

    private func checkedLEB128(_ p: inout Int, limit: Int) throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        let at = p
        while true {
            guard p < limit, shift < 64 else { throw corrupted("a number cut short or too long", at: at) }
            let byte = bytes[p]
            p += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
        }
    }

    private func checkedLength(_ p: inout Int, limit: Int) throws -> Int {
        let at = p
        let n = try checkedLEB128(&p, limit: limit)
        guard n <= UInt64(limit - p) else { throw corrupted("a length of \(n) bytes past the end of its container", at: at) }
        return Int(n)
    }

    /// Checks the value at `start`, which must end by `limit`, and everything in it; returns where it ends.
    func check(_ start: Int, limit: Int, depth: Int = 0) throws -> Int {
        guard start < limit else { throw corrupted("a value cut short", at: start) }
        guard let tag = CompactCoder.Tag(rawValue: bytes[start]) else { throw corrupted("an unknown tag \(bytes[start])", at: start) }
        var p = start + 1
        switch tag {
        case .null, .false, .true: return p
        case .int, .uint:
            _ = try checkedLEB128(&p, limit: limit)
            return p
        case .double:
            guard limit - p >= 8 else { throw corrupted("a number cut short", at: start) }
            return p + 8
        case .string:
            let n = try checkedLength(&p, limit: limit)
            return p + n
        case .keyed, .unkeyed:
            guard depth < Self.maxDepth else { throw corrupted("containers nested more than \(Self.maxDepth) deep", at: start) }
            guard limit - p >= 4 else { throw corrupted("a container cut short", at: start) }
            let length = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: p, as: UInt32.self)))
            p += 4
            guard length <= limit - p else { throw corrupted("a container of \(length) bytes past the end", at: start) }
            let end = p + length
            let count = try checkedLEB128(&p, limit: end)
            var entries: UInt64 = 0
            while p < end {
                guard entries < count else { throw corrupted("more entries than the \(count) said", at: p) }
                if tag == .keyed {
                    let n = try checkedLength(&p, limit: end)
                    p += n
                }
                p = try check(p, limit: end, depth: depth + 1)
                entries += 1
            }
            guard entries == count else { throw corrupted("\(entries) entries where \(count) were said", at: start) }
            return end
        }
    }

    // MARK: Reading what was checked

    @inline(__always)
    func leb128(_ p: inout Int) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = bytes[p]
            p += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
        }
    }

    @inline(__always)
    func tag(_ at: Int) -> CompactCoder.Tag { CompactCoder.Tag(rawValue: bytes[at])! }

    /// Where the value at `start` ends.
    @inline(__always)
    func valueEnd(_ start: Int) -> Int {
        var p = start + 1
        switch tag(start) {
        case .null, .false, .true: return p
        case .int, .uint:
            _ = leb128(&p)
            return p
        case .double: return p + 8
        case .string:
            let n = Int(leb128(&p))
            return p + n
        case .keyed, .unkeyed: return p + 4 + Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: p, as: UInt32.self)))
        }
    }

    /// The first entry of the container at `start` and how many there are.
    func entries(_ start: Int) -> (first: Int, count: Int) {
        var p = start + 5
        let count = Int(leb128(&p))
        return (p, count)
    }

    /// The key of the keyed entry at `p` (its bytes), and where its value starts.
    @inline(__always)
    func entryKey(_ p: Int) -> (key: Range<Int>, value: Int) {
        var q = p
        let n = Int(leb128(&q))
        return (q..<(q + n), q + n)
    }

    // The scalars. `path` is worked out only for an error.

    func mismatch(_ type: Any.Type, at start: Int, _ path: CompactPath) -> DecodingError {
        .typeMismatch(type, .init(codingPath: path.keys, debugDescription: "expected \(type), found a value of kind \(tag(start))"))
    }

    func bool(at s: Int, _ path: @autoclosure () -> CompactPath) throws -> Bool {
        switch tag(s) {
        case .true: return true
        case .false: return false
        default: throw mismatch(Bool.self, at: s, path())
        }
    }

    func integer<T: FixedWidthInteger>(_ type: T.Type, at s: Int, _ path: @autoclosure () -> CompactPath) throws -> T {
        var p = s + 1
        let value: T?
        switch tag(s) {
        case .int:
            let z = leb128(&p)
            value = T(exactly: Int64(bitPattern: (z >> 1) ^ (0 &- (z & 1))))
        case .uint:
            value = T(exactly: leb128(&p))
        default: throw mismatch(type, at: s, path())
        }
        guard let value else {
            throw DecodingError.dataCorrupted(.init(codingPath: path().keys, debugDescription: "a number that does not fit in \(type)"))
        }
        return value
    }

    func double(at s: Int, _ path: @autoclosure () -> CompactPath) throws -> Double {
        guard tag(s) == .double else { throw mismatch(Double.self, at: s, path()) }
        return Double(bitPattern: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: s + 1, as: UInt64.self)))
    }

    func string(at s: Int, _ path: @autoclosure () -> CompactPath) throws -> String {
        guard tag(s) == .string else { throw mismatch(String.self, at: s, path()) }
        var p = s + 1
        let n = Int(leb128(&p))
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[p..<(p + n)]), as: UTF8.self)
    }
}

/// A coding path as a list that shares its head: made into an array only for an error or when asked.
indirect enum CompactPath {
    case root
    case key(CodingKey, CompactPath)

    var keys: [CodingKey] {
        var out: [CodingKey] = []
        var node = self
        while case .key(let k, let parent) = node {
            out.append(k)
            node = parent
        }
        return out.reversed()
    }
}

/// The decoder of the one value at `start` (checked).
final class CompactValueDecoder: Decoder {
    let input: CompactInput
    let start: Int
    let path: CompactPath

    init(input: CompactInput, at start: Int, path: CompactPath) {
        self.input = input
        self.start = start
        self.path = path
    }

    var codingPath: [CodingKey] { path.keys }
    var userInfo: [CodingUserInfoKey: Any] { input.userInfo }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard input.tag(start) == .keyed else { throw input.mismatch([String: Any].self, at: start, path) }
        let (first, count) = input.entries(start)
        return KeyedDecodingContainer(CompactKeyedDecoding<Key>(input: input, path: path, first: first, count: count))
    }

    func unkeyedContainer() throws -> UnkeyedDecodingContainer {
        guard input.tag(start) == .unkeyed else { throw input.mismatch([Any].self, at: start, path) }
        let (first, count) = input.entries(start)
        return CompactUnkeyedDecoding(input: input, path: path, offset: first, count: count)
    }

    func singleValueContainer() throws -> SingleValueDecodingContainer { self }
}

extension CompactValueDecoder: SingleValueDecodingContainer {
    func decodeNil() -> Bool { input.tag(start) == .null }
    func decode(_ type: Bool.Type) throws -> Bool { try input.bool(at: start, path) }
    func decode(_ type: String.Type) throws -> String { try input.string(at: start, path) }
    func decode(_ type: Double.Type) throws -> Double { try input.double(at: start, path) }
    func decode(_ type: Float.Type) throws -> Float { Float(try input.double(at: start, path)) }
    func decode(_ type: Int.Type) throws -> Int { try input.integer(type, at: start, path) }
    func decode(_ type: Int8.Type) throws -> Int8 { try input.integer(type, at: start, path) }
    func decode(_ type: Int16.Type) throws -> Int16 { try input.integer(type, at: start, path) }
    func decode(_ type: Int32.Type) throws -> Int32 { try input.integer(type, at: start, path) }
    func decode(_ type: Int64.Type) throws -> Int64 { try input.integer(type, at: start, path) }
    func decode(_ type: UInt.Type) throws -> UInt { try input.integer(type, at: start, path) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try input.integer(type, at: start, path) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try input.integer(type, at: start, path) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try input.integer(type, at: start, path) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try input.integer(type, at: start, path) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try T(from: self) }
}

struct CompactKeyedDecoding<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let input: CompactInput
    let path: CompactPath
    let first: Int
    let count: Int
    /// Where the entry after the last one found starts, and its index: the next key asked for is most likely there.
    private final class Cursor {
        var offset: Int
        var index = 0
        init(_ offset: Int) { self.offset = offset }
    }
    private let cursor: Cursor

    init(input: CompactInput, path: CompactPath, first: Int, count: Int) {
        self.input = input
        self.path = path
        self.first = first
        self.count = count
        cursor = Cursor(first)
    }

    var codingPath: [CodingKey] { path.keys }

    var allKeys: [Key] {
        var keys: [Key] = []
        keys.reserveCapacity(count)
        var p = first
        for _ in 0..<count {
            let (key, value) = input.entryKey(p)
            if let k = Key(stringValue: String(decoding: UnsafeRawBufferPointer(rebasing: input.bytes[key]), as: UTF8.self)) {
                keys.append(k)
            }
            p = input.valueEnd(value)
        }
        return keys
    }

    /// Where `key`'s value starts, or nil when the container has no such key. Looks from the cursor on, round
    /// to where it started.
    private func find(_ key: Key) -> Int? { find(named: key.stringValue) }

    private func find(named key: String) -> Int? {
        var name = key
        return name.withUTF8 { wanted -> Int? in
            for _ in 0..<count {
                if cursor.index == count {
                    cursor.index = 0
                    cursor.offset = first
                }
                let (k, value) = input.entryKey(cursor.offset)
                cursor.offset = input.valueEnd(value)
                cursor.index += 1
                if k.count == wanted.count, k.isEmpty || memcmp(input.bytes.baseAddress! + k.lowerBound, wanted.baseAddress!, k.count) == 0 {
                    return value
                }
            }
            return nil
        }
    }

    private func value(_ key: Key) throws -> Int {
        guard let at = find(key) else {
            throw DecodingError.keyNotFound(key, .init(codingPath: path.keys, debugDescription: "no value for \"\(key.stringValue)\""))
        }
        return at
    }

    private func decoder(_ key: Key) throws -> CompactValueDecoder {
        CompactValueDecoder(input: input, at: try value(key), path: .key(key, path))
    }

    func contains(_ key: Key) -> Bool { find(key) != nil }

    func decodeNil(forKey key: Key) throws -> Bool { input.tag(try value(key)) == .null }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try input.bool(at: value(key), .key(key, path)) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try input.string(at: value(key), .key(key, path)) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try input.double(at: value(key), .key(key, path)) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { Float(try input.double(at: value(key), .key(key, path))) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try input.integer(type, at: value(key), .key(key, path)) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try input.integer(type, at: value(key), .key(key, path)) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try input.integer(type, at: value(key), .key(key, path)) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try input.integer(type, at: value(key), .key(key, path)) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try input.integer(type, at: value(key), .key(key, path)) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try input.integer(type, at: value(key), .key(key, path)) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try input.integer(type, at: value(key), .key(key, path)) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try input.integer(type, at: value(key), .key(key, path)) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try input.integer(type, at: value(key), .key(key, path)) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try input.integer(type, at: value(key), .key(key, path)) }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try T(from: decoder(key)) }

    /// An absent key or a nil is nil, as with JSONDecoder.
    private func present(_ key: Key) -> Int? {
        guard let at = find(key), input.tag(at) != .null else { return nil }
        return at
    }
    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? {
        try present(key).map { try input.bool(at: $0, .key(key, path)) }
    }
    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? {
        try present(key).map { try input.string(at: $0, .key(key, path)) }
    }
    func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? {
        try present(key).map { try input.double(at: $0, .key(key, path)) }
    }
    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? {
        try present(key).map { try input.integer(type, at: $0, .key(key, path)) }
    }
    func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? {
        try present(key).map { try input.integer(type, at: $0, .key(key, path)) }
    }
    func decodeIfPresent(_ type: UInt64.Type, forKey key: Key) throws -> UInt64? {
        try present(key).map { try input.integer(type, at: $0, .key(key, path)) }
    }
    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        try present(key).map { try T(from: CompactValueDecoder(input: input, at: $0, path: .key(key, path))) }
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try decoder(key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> UnkeyedDecodingContainer { try decoder(key).unkeyedContainer() }

    /// The value `superEncoder()` wrote, under the key "super" (which need not be one of `Key`'s).
    func superDecoder() throws -> Decoder {
        guard let at = find(named: CompactKey.super.stringValue) else {
            throw DecodingError.keyNotFound(CompactKey.super, .init(codingPath: path.keys, debugDescription: "no value for \"super\""))
        }
        return CompactValueDecoder(input: input, at: at, path: .key(CompactKey.super, path))
    }

    func superDecoder(forKey key: Key) throws -> Decoder { try decoder(key) }
}

struct CompactUnkeyedDecoding: UnkeyedDecodingContainer {
    let input: CompactInput
    let path: CompactPath
    private var offset: Int
    private let total: Int
    private(set) var currentIndex = 0
    var count: Int? { total }
    var isAtEnd: Bool { currentIndex >= total }
    var codingPath: [CodingKey] { path.keys }

    init(input: CompactInput, path: CompactPath, offset: Int, count: Int) {
        self.input = input
        self.path = path
        self.offset = offset
        total = count
    }

    private func here(at index: Int) -> CompactPath { .key(CompactKey(index: index), path) }

    /// The start of the next value; the container moves past it.
    private mutating func next(_ type: Any.Type) throws -> Int {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(type, .init(codingPath: path.keys, debugDescription: "the container has no more values"))
        }
        let at = offset
        offset = input.valueEnd(at)
        currentIndex += 1
        return at
    }

    private mutating func decoder(_ type: Any.Type) throws -> CompactValueDecoder {
        let path = here(at: currentIndex)
        return CompactValueDecoder(input: input, at: try next(type), path: path)
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, input.tag(offset) == .null else { return false }
        _ = try next(Never.self)
        return true
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { let at = try next(type); return try input.bool(at: at, here(at: currentIndex - 1)) }
    mutating func decode(_ type: String.Type) throws -> String { let at = try next(type); return try input.string(at: at, here(at: currentIndex - 1)) }
    mutating func decode(_ type: Double.Type) throws -> Double { let at = try next(type); return try input.double(at: at, here(at: currentIndex - 1)) }
    mutating func decode(_ type: Float.Type) throws -> Float { let at = try next(type); return Float(try input.double(at: at, here(at: currentIndex - 1))) }
    mutating func decode(_ type: Int.Type) throws -> Int { let at = try next(type); return try input.integer(type, at: at, here(at: currentIndex - 1)) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { let at = try next(type); return try input.integer(type, at: at, here(at: currentIndex - 1)) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { let at = try next(type); return try input.integer(type, at: at, here(at: currentIndex - 1)) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { let at = try next(type); return try input.integer(type, at: at, here(at: currentIndex - 1)) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { let at = try next(type); return try input.integer(type, at: at, here(at: currentIndex - 1)) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { let at = try next(type); return try input.integer(type, at: at, here(at: currentIndex - 1)) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { let at = try next(type); return try input.integer(type, at: at, here(at: currentIndex - 1)) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { let at = try next(type); return try input.integer(type, at: at, here(at: currentIndex - 1)) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { let at = try next(type); return try input.integer(type, at: at, here(at: currentIndex - 1)) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { let at = try next(type); return try input.integer(type, at: at, here(at: currentIndex - 1)) }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try T(from: decoder(type)) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        try decoder(type).container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> UnkeyedDecodingContainer {
        try decoder([Any].self).unkeyedContainer()
    }

    mutating func superDecoder() throws -> Decoder { try decoder(Any.self) }
}
