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

    public func html(_ markdown: String) -> String {
        var source = markdown
        return source.withUTF8 { buffer -> String in
            guard let base = buffer.baseAddress else { return "" }
            let raw = base.withMemoryRebound(to: CChar.self, capacity: buffer.count) { pointer in
                cmark_markdown_to_html(pointer, buffer.count, options.rawValue)
            }
            guard let raw else { return "" }
            defer { free(raw) }
            return String(cString: raw)
        }
    }

    /// The version of the linked libcmark, e.g. `0.30.2`.
    public static var libraryVersion: String {
        String(cString: cmark_version_string())
    }
}
