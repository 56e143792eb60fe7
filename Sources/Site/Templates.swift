import ReportCore
import Foundation
import Mustache

/// The templates, CSS and label catalogues a site is drawn with: the defaults built into the binary from
/// the top-level `templates/` folder, with a project's own `templates/` layered over them by name.
public struct TemplateSet: Sendable {
    /// Every file by path relative to `templates/`, project files replacing defaults of the same name.
    public let files: [String: String]
    let overrides: [String: String]
    private let library: MustacheLibrary
    /// `{{v}}`: how a template escapes a value.
    private let escaper: MustacheTemplate
    /// `slotsAreExact` of these files.
    let slotsAreExact: Bool

    public static var defaults: [String: String] { DefaultTemplates.files }

    /// - Parameter projectTemplates: the project's `templates/` folder, if it has one.
    public init(projectTemplates: URL?) throws {
        var overrides: [String: String] = [:]
        if let dir = projectTemplates, FileManager.default.fileExists(atPath: dir.path) {
            overrides = try Self.readFolder(dir)
        }
        try self.init(overrides: overrides)
    }

    public init(overrides: [String: String]) throws {
        self.overrides = overrides
        var files = DefaultTemplates.files
        for (k, v) in overrides { files[k] = v }
        self.files = files
        var library = MustacheLibrary()
        for (name, text) in files.sorted(by: { $0.key < $1.key }) where name.hasSuffix(".mustache") {
            do {
                library.register(try MustacheTemplate(string: text), named: String(name.dropLast(".mustache".count)))
            } catch {
                let source = overrides[name] != nil ? "the project's templates/\(name)" : "templates/\(name)"
                throw SiteError.template("\(source) does not parse: \(error)")
            }
        }
        self.library = library
        escaper = try! MustacheTemplate(string: "{{v}}")
        slotsAreExact = Self.slotsAreExact(files)
    }

    static func readFolder(_ dir: URL) throws -> [String: String] {
        var out: [String: String] = [:]
        let base = dir.standardizedFileURL.path
        guard let walker = FileManager.default.enumerator(atPath: base) else { return out }
        for case let rel as String in walker {
            if rel.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { continue }
            var isDir: ObjCBool = false
            let full = base + "/" + rel
            guard FileManager.default.fileExists(atPath: full, isDirectory: &isDir), !isDir.boolValue else { continue }
            guard let data = FileManager.default.contents(atPath: full), let text = String(data: data, encoding: .utf8) else {
                throw SiteError.template("templates/\(rel) is not UTF-8 text")
            }
            out[rel] = text
        }
        return out
    }

    /// A checksum of every template, label and asset file (the defaults with the project's own over them):
    /// pages drawn through the same set are drawn alike.
    public var checksum: UInt64 {
        var sum = StreamChecksum()
        for (path, text) in files.sorted(by: { $0.key < $1.key }) {
            for part in [path, text] {
                var part = part
                part.withUTF8 { sum.add(UnsafeRawBufferPointer($0)) }
                [UInt8(0)].withUnsafeBytes { sum.add($0) }
            }
        }
        return sum.value
    }

    /// Renders a template with a page; a missing template is an error, never an empty page.
    func render<Model>(_ name: String, _ page: Page<Model>) throws -> String {
        String(decoding: try draw(name, page, earlier: nil).bytes, as: UTF8.self)
    }

    /// Draws a page with markers in its chrome's slots, then puts their values in (`ChromeSlot`): the page is
    /// the one drawn with the values in place, and says where they went. With `earlier`, a page the last
    /// build drew with the same digest is taken instead of drawing it.
    func draw<Model>(_ name: String, _ page: Page<Model>, earlier: SiteBuilder.Earlier?) throws -> DrawnPage {
        guard slotsAreExact, let digest = PageDigest.of(template: name, page) else {
            return DrawnPage(Data(try render(name, tree: try page.tree()).utf8))
        }
        let values = page.chrome.slotValues.mapValues(escaped)
        if let earlier, let before = earlier(digest),
           let page = DrawnPage.refilling(before.bytes, slots: before.slots, values: values, digest: digest) {
            return page
        }
        if let drawn = DrawnPage.filling(try render(name, tree: try page.tree(markers: true)), values: values, digest: digest) {
            return drawn
        }
        return DrawnPage(Data(try render(name, tree: try page.tree()).utf8))
    }

    /// A value as `{{name}}` puts it into a page: escaped by the template library itself.
    func escaped(_ value: String) -> String { escaper.render(["v": value]) }

    /// Whether every template puts a chrome slot's value (`freshness`, a navigation link's `href`) into the
    /// page only as `{{name}}` does, escaped and unchanged, so a marker drawn in its place can be replaced by
    /// the escaped value afterwards (`ChromeSlot`). Not when a template emits one unescaped (`{{{href}}}`,
    /// `{{&freshness}}`, `{{{.}}}` in a section over one), through a transform (`{{lowercased(freshness)}}`),
    /// with other delimiters or in another content type (`{{=`, `{{%`), or when any file of the set (a label
    /// catalogue too) holds a marker character.
    static func slotsAreExact(_ files: [String: String]) -> Bool {
        let slotNames: Set<String> = ["freshness", "href", "nav", "."]
        let tag = try! NSRegularExpression(pattern: #"\{\{(\{|&)?([^}]*)\}\}"#)
        // A label (i18n) or a stylesheet goes into pages too: no file may hold a marker character.
        if files.values.contains(where: { $0.utf8.contains(ChromeSlot.markerLead) }) { return false }
        for (name, text) in files where name.hasSuffix(".mustache") {
            if text.contains("{{=") || text.contains("{{%") { return false }
            for m in tag.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                guard let r = Range(m.range(at: 2), in: text) else { continue }
                let body = text[r].trimmingCharacters(in: CharacterSet(charactersIn: "#^/>$<! "))
                let names = body.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_" || $0 == ".") })
                    .map { $0.split(separator: ".").last.map(String.init) ?? "." }
                let mentionsSlot = names.contains { slotNames.contains($0) }
                let unescaped = m.range(at: 1).location != NSNotFound
                if mentionsSlot && (unescaped || body.contains("(")) { return false }
            }
        }
        return true
    }

    /// Renders a template with a model of its own (no chrome: the feed).
    func render(_ name: String, model: some Encodable) throws -> String {
        try render(name, tree: try MustacheTree.fields(of: model))
    }

    func render(_ name: String, tree: [String: Any]) throws -> String {
        guard let text = library.render(tree, withTemplate: name) else {
            throw SiteError.template("no template named \(name) (templates/\(name).mustache)")
        }
        return text
    }

    /// Every `t.KEY` label a template refers to, by template, so a missing label fails before any page is drawn.
    func labelReferences() -> [(template: String, key: String)] {
        var out: [(String, String)] = []
        let pattern = try! NSRegularExpression(pattern: #"\{\{[#^/&{]?\s*t\.([A-Za-z0-9_.]+)"#)
        for (name, text) in files.sorted(by: { $0.key < $1.key }) where name.hasSuffix(".mustache") {
            let range = NSRange(text.startIndex..., in: text)
            for m in pattern.matches(in: text, range: range) {
                if let r = Range(m.range(at: 1), in: text) { out.append((name, String(text[r]))) }
            }
        }
        return out
    }

    /// The label catalogue for a language, checked against every template that uses it.
    func labels(language: String) throws -> Labels {
        let labels = try Labels.load(language: language, defaults: DefaultTemplates.files, overrides: overrides)
        for (template, key) in labelReferences() where !labels.has(key) {
            throw Labels.MissingLabel(key: key, language: language, usedIn: "templates/\(template)")
        }
        return labels
    }
}
