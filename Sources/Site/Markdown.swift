import CCmark
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// CommonMark → HTML through Debian's libcmark. The C pointers never leave this type: every buffer cmark
/// returns is copied into a Swift string and freed at once.
public struct Markdown: Sendable {
    public struct Options: OptionSet, Sendable {
        public let rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }
        /// Typographic quotes and dashes.
        public static let smart = Options(rawValue: CMARK_OPT_SMART)
        /// Keep raw HTML and `javascript:`/`data:` links. Off by default: cmark then drops raw HTML and
        /// unsafe links, which is what notes from anyone but the user must get.
        public static let unsafe = Options(rawValue: CMARK_OPT_UNSAFE)
        public static let validateUTF8 = Options(rawValue: CMARK_OPT_VALIDATE_UTF8)
    }

    public var options: Options

    public init(trusted: Bool = false) {
        options = [.smart, .validateUTF8]
        if trusted { options.insert(.unsafe) }
    }

    /// - Parameter headingsBelow: the level of the page heading the text sits under: every heading of the
    ///   text is moved down by it (a note's `#` becomes an `h2` under the page's `h1`), at most to `h6`.
    public func html(_ markdown: String, headingsBelow: Int32 = 0) -> String {
        var source = markdown
        return source.withUTF8 { buffer -> String in
            guard let base = buffer.baseAddress else { return "" }
            let document = base.withMemoryRebound(to: CChar.self, capacity: buffer.count) { pointer in
                cmark_parse_document(pointer, buffer.count, options.rawValue)
            }
            guard let document else { return "" }
            defer { cmark_node_free(document) }
            if headingsBelow > 0 {
                let walk = cmark_iter_new(document)
                defer { cmark_iter_free(walk) }
                while case let event = cmark_iter_next(walk), event != CMARK_EVENT_DONE {
                    guard event == CMARK_EVENT_ENTER, let node = cmark_iter_get_node(walk),
                          cmark_node_get_type(node) == CMARK_NODE_HEADING else { continue }
                    cmark_node_set_heading_level(node, min(cmark_node_get_heading_level(node) + headingsBelow, 6))
                }
            }
            guard let raw = cmark_render_html(document, options.rawValue) else { return "" }
            defer { free(raw) }
            return String(cString: raw)
        }
    }

    /// The version of the linked libcmark, e.g. `0.30.2`.
    public static var libraryVersion: String {
        String(cString: cmark_version_string())
    }
}
