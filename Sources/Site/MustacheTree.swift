/// A page model as the plain dictionaries and arrays swift-mustache reads fastest, made by the model's own
/// (synthesized) `Encodable` conformance: each struct becomes a `[String: Any]` of its stored properties, each
/// array an array, strings, numbers and booleans stay as they are.
///
/// A nil Optional is left out — a struct's with `encodeIfPresent`, an array's element dropped — so a section
/// such as `{{#note}}…{{/note}}` disappears when there is no note. The label catalogue (`LabelTree`) goes in
/// as the dictionary it is.
///
/// Why not hand the models to swift-mustache as they are: it reflects a value (`Mirror`) on every variable it
/// looks up, and on every outer value a name is missed in. Converting each model once with `Mirror` was
/// better, but `Mirror` demangles every field's type on every value; drawing the 146 pages of a year of weekly
/// sends spent a third of its time there. The synthesized conformance is compiled code.
enum MustacheTree {
    /// The fields of a model (a struct: its stored properties).
    static func fields(of model: some Encodable) throws -> [String: Any] {
        try value(of: model) as? [String: Any] ?? [:]
    }

    /// Any encodable value as a tree; nil for nil. (Types are compared, not cast: a failed cast of a string
    /// or a dictionary to another type bridges it to Foundation first, on every value.)
    static func value<T: Encodable>(of v: T) throws -> Any? {
        if T.self == String.self || T.self == Int.self || T.self == Bool.self || T.self == Double.self { return v }
        if T.self == LabelTree.self { return (v as! LabelTree).tree }
        let encoder = TreeEncoder()
        try v.encode(to: encoder)
        return encoder.storage?.resolved
    }
}

/// The label catalogue as templates see it, `{{t.nav.weeks}}`: nested dictionaries of strings
/// (`Labels.templateContext`).
struct LabelTree: Encodable {
    let tree: [String: Any]

    init(_ tree: [String: Any]) { self.tree = tree }

    /// For an encoder other than `MustacheTree`'s (which takes `tree` as it is): the same nesting.
    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: NameKey.self)
        for (key, value) in tree {
            if let s = value as? String {
                try c.encode(s, forKey: NameKey(key))
            } else if let d = value as? [String: Any] {
                try c.encode(LabelTree(d), forKey: NameKey(key))
            }
        }
    }

    struct NameKey: CodingKey {
        let stringValue: String
        init(_ s: String) { stringValue = s }
        init?(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }
}

/// The `Encoder` behind `MustacheTree`: each container fills a box with finished values (`MustacheTree.value`
/// of each field or element); a box is read out as a dictionary or array when the value is done. Nested
/// containers (which synthesized conformances never ask for) are boxes inside boxes, read out with them.
private final class TreeEncoder: Encoder {
    var codingPath: [CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    /// What was encoded: nothing (or nil), a value, or a container's box.
    var storage: Node?

    enum Node {
        case value(Any)
        case keyed(Keyed)
        case unkeyed(Unkeyed)
        case encoder(TreeEncoder)

        var resolved: Any? {
            switch self {
            case .value(let v): return v
            case .keyed(let k): return k.resolved
            case .unkeyed(let u): return u.resolved
            case .encoder(let e): return e.storage?.resolved
            }
        }
    }

    final class Keyed {
        var fields: [String: Any] = [:]
        var nested: [String: Node] = [:]
        var resolved: [String: Any] {
            var out = fields
            for (key, node) in nested { out[key] = node.resolved }
            return out
        }
    }

    final class Unkeyed {
        /// Finished items; a nested container's box in `nested` at its position.
        var items: [Any] = []
        var nested: [Int: Node] = [:]
        var resolved: [Any] {
            guard !nested.isEmpty else { return items }
            var out: [Any] = []
            for (at, item) in items.enumerated() {
                if let node = nested[at] {
                    if let v = node.resolved { out.append(v) }  // a nil one dropped, as `encodeNil` does
                } else {
                    out.append(item)
                }
            }
            return out
        }
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let box: Keyed
        if case .keyed(let existing)? = storage {
            box = existing
        } else {
            box = Keyed()
            storage = .keyed(box)
        }
        return KeyedEncodingContainer(KeyedContainer(box: box, codingPath: codingPath))
    }

    func unkeyedContainer() -> UnkeyedEncodingContainer {
        let box: Unkeyed
        if case .unkeyed(let existing)? = storage {
            box = existing
        } else {
            box = Unkeyed()
            storage = .unkeyed(box)
        }
        return UnkeyedContainer(box: box, codingPath: codingPath)
    }

    func singleValueContainer() -> SingleValueEncodingContainer { SingleContainer(encoder: self) }

    struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let box: Keyed
        var codingPath: [CodingKey]

        mutating func encodeNil(forKey key: Key) throws {}
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            if let v = try MustacheTree.value(of: value) { box.fields[key.stringValue] = v }
        }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            let nested = Keyed()
            box.nested[key.stringValue] = .keyed(nested)
            return KeyedEncodingContainer(KeyedContainer<NestedKey>(box: nested, codingPath: codingPath + [key]))
        }
        mutating func nestedUnkeyedContainer(forKey key: Key) -> UnkeyedEncodingContainer {
            let nested = Unkeyed()
            box.nested[key.stringValue] = .unkeyed(nested)
            return UnkeyedContainer(box: nested, codingPath: codingPath + [key])
        }
        mutating func superEncoder() -> Encoder { superEncoder(forKey: Key(stringValue: "super")!) }
        mutating func superEncoder(forKey key: Key) -> Encoder {
            let encoder = TreeEncoder()
            box.nested[key.stringValue] = .encoder(encoder)
            return encoder
        }
    }

    struct UnkeyedContainer: UnkeyedEncodingContainer {
        let box: Unkeyed
        var codingPath: [CodingKey]
        var count: Int { box.items.count }

        /// A nil element is dropped, as a nil field is.
        mutating func encodeNil() throws {}
        mutating func encode<T: Encodable>(_ value: T) throws {
            if let v = try MustacheTree.value(of: value) { box.items.append(v) }
        }
        private mutating func placeholder(_ node: Node) {
            box.nested[box.items.count] = node
            box.items.append(())
        }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            let nested = Keyed()
            placeholder(.keyed(nested))
            return KeyedEncodingContainer(KeyedContainer<NestedKey>(box: nested, codingPath: codingPath))
        }
        mutating func nestedUnkeyedContainer() -> UnkeyedEncodingContainer {
            let nested = Unkeyed()
            placeholder(.unkeyed(nested))
            return UnkeyedContainer(box: nested, codingPath: codingPath)
        }
        mutating func superEncoder() -> Encoder {
            let encoder = TreeEncoder()
            placeholder(.encoder(encoder))
            return encoder
        }
    }

    struct SingleContainer: SingleValueEncodingContainer {
        let encoder: TreeEncoder
        var codingPath: [CodingKey] { encoder.codingPath }

        mutating func encodeNil() throws { encoder.storage = nil }
        mutating func encode<T: Encodable>(_ value: T) throws {
            encoder.storage = try MustacheTree.value(of: value).map(Node.value)
        }
    }
}
