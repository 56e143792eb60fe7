/// Markdown notes of a project, keyed by week, program slug, campaign id and experiment slug.
public struct Notes: Sendable {
    public var weeks: [ISOWeek: String] = [:]
    public var programs: [String: String] = [:]
    public var campaigns: [String: String] = [:]
    public var experiments: [String: String] = [:]
    public init() {}
}

