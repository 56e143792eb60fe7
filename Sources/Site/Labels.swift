import Foundation
import Yams

/// The words of the site, one catalogue per language (`templates/i18n/<lang>.yml`), never in templates.
/// A project's own `templates/i18n/<lang>.yml` adds or overrides labels. A label that a template or the
/// generator asks for and no catalogue has fails the build with its key named: a page never shows a key.
public struct Labels: Sendable {
    public let language: String
    private let table: [String: String]

    public struct MissingLabel: Error, CustomStringConvertible {
        public let key: String
        public let language: String
        public let usedIn: String
        public var description: String {
            "label \"\(key)\" (used in \(usedIn)) is missing from the \(language) catalogue (templates/i18n/\(language).yml)"
        }
    }

    public init(language: String, table: [String: String]) {
        self.language = language
        self.table = table
    }

    /// Loads the default catalogue for `language`, then the project's overrides.
    static func load(language: String, defaults: [String: String], overrides: [String: String]) throws -> Labels {
        let name = "i18n/\(language).yml"
        guard let text = overrides[name] ?? defaults[name] else {
            throw SiteError.template("no label catalogue for language \"\(language)\" (templates/\(name))")
        }
        var table = try parse(text, file: "templates/\(name)")
        if let own = overrides[name], let base = defaults[name], own != base {
            // A project catalogue overrides labels one by one; the defaults fill the rest.
            let defaultsTable = try parse(base, file: "templates/\(name)")
            table = defaultsTable.merging(table) { _, mine in mine }
        }
        return Labels(language: language, table: table)
    }

    /// A flat catalogue: nested YAML mappings join their keys with `.` (`kpi.human_open_rate`).
    static func parse(_ text: String, file: String) throws -> [String: String] {
        let node: Node?
        do { node = try Yams.compose(yaml: text) } catch {
            throw SiteError.template("\(file): not valid YAML: \(error)")
        }
        var out: [String: String] = [:]
        func walk(_ node: Node, _ prefix: String) throws {
            switch node {
            case .mapping(let m):
                for (k, v) in m {
                    let key = k.string ?? ""
                    try walk(v, prefix.isEmpty ? key : "\(prefix).\(key)")
                }
            case .scalar(let s):
                out[prefix] = s.string
            default:
                throw SiteError.template("\(file):\(node.mark?.line ?? 0): label \"\(prefix)\" must be text")
            }
        }
        if let node { try walk(node, "") }
        return out
    }

    public var keys: [String] { table.keys.sorted() }

    public func has(_ key: String) -> Bool { table[key] != nil }

    /// The label, or a `MissingLabel` error naming the key.
    public func text(_ key: String, in usedIn: String = "the generator") throws -> String {
        guard let value = table[key] else { throw MissingLabel(key: key, language: language, usedIn: usedIn) }
        return value
    }

    /// A label with `{name}` placeholders filled in, and `{name|one|other}` plurals chosen: `one` when the
    /// value put in for `name` is the number 1, `other` for any other value. (English and Swedish need no
    /// more forms than these two; a language that does would add them here.)
    public func format(_ key: String, _ values: [String: String]) throws -> String {
        Self.fill(try self.text(key), values)
    }

    /// `{name}` replaced by its value and `{name|one|other}` by the form the value needs, in one pass (a value
    /// is never read for placeholders itself); a placeholder without a value, or a `{` without its `}`, stays
    /// as it is. Read as UTF-8 bytes (the braces and bars are ASCII, so they are found as bytes): pages ask for
    /// thousands of labels each.
    static func fill(_ text: String, _ values: [String: String]) -> String {
        guard !values.isEmpty, text.utf8.contains(0x7B) else { return text }
        var text = text
        return text.withUTF8 { b -> String in
            var out: [UInt8] = []
            out.reserveCapacity(b.count + 16)
            var i = 0
            while let open = b[i...].firstIndex(of: 0x7B), let close = b[open...].firstIndex(of: 0x7D) {
                out.append(contentsOf: b[i..<open])
                let inner = b[(open + 1)..<close]
                let parts = inner.split(separator: 0x7C, omittingEmptySubsequences: false)
                if let value = values[String(decoding: parts[0], as: UTF8.self)] {
                    if parts.count == 1 {
                        out.append(contentsOf: value.utf8)
                    } else {
                        let one = parts[1], other = parts.count > 2 ? parts[2] : one
                        out.append(contentsOf: value.trimmingCharacters(in: .whitespaces) == "1" ? one : other)
                    }
                } else {
                    out.append(contentsOf: b[open...close])
                }
                i = close + 1
            }
            out.append(contentsOf: b[i...])
            return String(decoding: out, as: UTF8.self)
        }
    }

    /// The catalogue as a nested dictionary for templates (`{{t.nav.weeks}}`).
    public var templateContext: [String: Any] {
        var root: [String: Any] = [:]
        for (key, value) in table {
            insert(&root, key.split(separator: ".").map(String.init)[...], value)
        }
        return root
    }

    private func insert(_ dict: inout [String: Any], _ path: ArraySlice<String>, _ value: String) {
        guard let head = path.first else { return }
        if path.count == 1 {
            dict[head] = value
            return
        }
        var child = dict[head] as? [String: Any] ?? [:]
        insert(&child, path.dropFirst(), value)
        dict[head] = child
    }
}
