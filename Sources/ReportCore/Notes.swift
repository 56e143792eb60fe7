/// Markdown notes of a project, keyed by week, program slug and campaign id.
public struct Notes: Sendable {
    public var weeks: [ISOWeek: String] = [:]
    public var programs: [String: String] = [:]
    public var campaigns: [String: String] = [:]
    public init() {}
}

