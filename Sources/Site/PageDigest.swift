import ReportCore

/// A page's digest: a checksum of everything a template sees of it, so two pages of equal digests drawn
/// through the same templates are the same bytes (`ChromeSlot`). Made by the models' own `Encodable`
/// conformances, as `MustacheTree` makes the tree the template reads: every field name and value in
/// encoding order (the synthesized order, the same in every process), each container's start and end, the
/// template's name first. The chrome goes in with its slots' markers (`Chrome.withMarkers`), not their
/// values.
///
/// 64 bits, like the cache's other checksums: that a new page of a site takes the digest of another page drawn
/// the week before is less likely than one in 10^12 over a year of weekly builds (264 × 264 × 52 / 2^64).
///
/// The label catalogue is left out: it is the templates' and the language's, and a page is taken from an
/// earlier build only through the same templates (`BuildCache.earlier`), while the language is the chrome's
/// `lang`.
enum PageDigest {
    /// nil when a string of the page holds a marker character that is not one of its chrome's slots.
    static func of<Model: Encodable>(template: String, _ page: Page<Model>) -> UInt64? {
        let encoder = DigestEncoder()
        encoder.string(template)
        do {
            try page.chrome.withMarkers().encode(to: encoder)
            encoder.tag(.end)
            try page.model.encode(to: encoder)
        } catch {
            return nil
        }
        // The chrome's slots are the only markers: one more is a string of the page that looks like one.
        guard !encoder.foreignMarker, encoder.markers == page.chrome.slotValues.count else { return nil }
        return encoder.bytes.withUnsafeBytes { StreamChecksum.of($0) }
    }
}

/// Writes what it is given into one byte string, tagged by kind. Synthesized conformances encode each
/// nested value inside the call that encodes its field, so one running string keeps the nesting: every
/// nested value is bracketed. (A container nested by hand, `nestedContainer`, is not closed; no page
/// model's conformance is written by hand.)
private final class DigestEncoder: Encoder {
    var codingPath: [CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    var bytes: [UInt8] = []
    /// A string held a marker character other than a slot's marker.
    var foreignMarker = false
    /// Strings that are a slot's marker.
    var markers = 0

    init() { bytes.reserveCapacity(1 << 16) }

    enum Tag: UInt8 { case keyed = 1, unkeyed, single, end, key, string, int, bool, double, null, labels, other }

    @inline(__always) func tag(_ t: Tag) { bytes.append(t.rawValue) }

    func string(_ s: String) {
        tag(.string)
        var s = s
        s.withUTF8 { utf8 in
            withUnsafeBytes(of: UInt64(utf8.count).littleEndian) { bytes.append(contentsOf: $0) }
            bytes.append(contentsOf: utf8)
            if utf8.contains(ChromeSlot.markerLead) {
                if ChromeSlot.of(marker: UnsafeRawBufferPointer(utf8)) != nil {
                    markers += 1
                } else {
                    foreignMarker = true
                }
            }
        }
    }

    func key(_ k: CodingKey) {
        tag(.key)
        string(k.stringValue)
    }

    /// A value: the primitives written as they are, anything else through its own conformance, bracketed.
    func value<T: Encodable>(_ v: T) throws {
        // Types compared, not cast, as in `MustacheTree.value` (a failed cast bridges to Foundation first).
        if T.self == String.self {
            string(v as! String)
        } else if T.self == Int.self {
            tag(.int)
            withUnsafeBytes(of: Int64(v as! Int).littleEndian) { bytes.append(contentsOf: $0) }
        } else if T.self == Bool.self {
            tag(.bool)
            bytes.append(v as! Bool ? 1 : 0)
        } else if T.self == Double.self {
            tag(.double)
            withUnsafeBytes(of: (v as! Double).bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
        } else if T.self == LabelTree.self {
            tag(.labels)
        } else {
            tag(.other)
            try v.encode(to: self)
            tag(.end)
        }
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        tag(.keyed)
        return KeyedEncodingContainer(Keyed<Key>(encoder: self))
    }

    func unkeyedContainer() -> UnkeyedEncodingContainer {
        tag(.unkeyed)
        return Unkeyed(encoder: self)
    }

    func singleValueContainer() -> SingleValueEncodingContainer {
        tag(.single)
        return Single(encoder: self)
    }

    struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let encoder: DigestEncoder
        var codingPath: [CodingKey] { [] }

        mutating func encodeNil(forKey key: Key) throws {
            encoder.key(key)
            encoder.tag(.null)
        }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            encoder.key(key)
            try encoder.value(value)
        }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            encoder.key(key)
            return encoder.container(keyedBy: keyType)
        }
        mutating func nestedUnkeyedContainer(forKey key: Key) -> UnkeyedEncodingContainer {
            encoder.key(key)
            return encoder.unkeyedContainer()
        }
        mutating func superEncoder() -> Encoder { encoder }
        mutating func superEncoder(forKey key: Key) -> Encoder {
            encoder.key(key)
            return encoder
        }
    }

    struct Unkeyed: UnkeyedEncodingContainer {
        let encoder: DigestEncoder
        var codingPath: [CodingKey] { [] }
        var count = 0

        mutating func encodeNil() throws {
            count += 1
            encoder.tag(.null)
        }
        mutating func encode<T: Encodable>(_ value: T) throws {
            count += 1
            try encoder.value(value)
        }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            count += 1
            return encoder.container(keyedBy: keyType)
        }
        mutating func nestedUnkeyedContainer() -> UnkeyedEncodingContainer {
            count += 1
            return encoder.unkeyedContainer()
        }
        mutating func superEncoder() -> Encoder { encoder }
    }

    struct Single: SingleValueEncodingContainer {
        let encoder: DigestEncoder
        var codingPath: [CodingKey] { [] }

        mutating func encodeNil() throws { encoder.tag(.null) }
        mutating func encode<T: Encodable>(_ value: T) throws { try encoder.value(value) }
    }
}
