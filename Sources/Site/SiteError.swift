/// Why a site could not be drawn or written.
public enum SiteError: Error, CustomStringConvertible, Sendable {
    case template(String)
    case output(String)

    public var description: String {
        switch self {
        case .template(let m): return "templates: \(m)"
        case .output(let m): return "output: \(m)"
        }
    }
}
