import Foundation

/// The bounds every reader holds input to, so hostile or broken files get a clear error within bounded time and
/// memory instead of a crash, a hang or gigabytes of memory. Each is generous for real exports.
public enum InputLimits {
    /// Instants outside 1990-01-01T00:00:00Z … 2101-01-01T00:00:00Z are rejected where they are parsed: no email
    /// data predates 1990, and a far-future time (a Unix time in the wrong unit, 9999-12-31) would stretch every
    /// weekly series over thousands of weeks.
    public static let earliestTime: Double = 631_152_000
    public static let latestTime: Double = 4_133_980_800
    public static let timeRange = "1990 to 2100"

    @inlinable public static func isSupported(time t: Double) -> Bool { t >= earliestTime && t < latestTime }

    /// The calendar years of `timeRange`, for date-only fields (mailbox providers' days).
    public static let years = 1990...2100

    /// A report spans at most 20 years of sends: beyond that it is almost surely one wrong date.
    public static let reportYears = 20

    /// One field or one record (a CSV row, a JSON Lines object) of an input file: 16 MB. The longest real
    /// field is a URL or a diagnostic text of a few kilobytes.
    public static let recordBytes = 16 << 20

    /// gzip: a compressed file may expand to at most 100 × its size once past 256 MB of output (real CSV and JSON
    /// compress 5–20 ×; a bomb of zeros 1,000 ×), and to 64 GB in all.
    public static let gzipRatio = 100
    public static let gzipFreeBytes = 256 << 20
    public static let gzipTotalBytes: Int64 = 64 << 30

    /// report.yml: at most 1 MB, 16 aliases (`*name`) and 64 levels of nesting, checked before the YAML is built
    /// (an alias bomb expands exponentially).
    public static let configBytes = 1 << 20
    public static let configAliases = 16
    public static let configDepth = 64

    /// A value quoted in an error message is cut to this many characters, with "…".
    public static let quotedChars = 80

    /// `text` as an error message quotes it: cut to `quotedChars` characters.
    public static func quoted(_ text: some StringProtocol) -> String {
        text.count <= quotedChars ? String(text) : String(text.prefix(quotedChars)) + "…"
    }
}
