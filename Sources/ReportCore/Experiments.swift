/// An experiment declared under `experiments:` in report.yml (`inputs.md` §4, *Experiments*): a frequency test
/// between cohorts of recipients, or a subject-line (content) test between variants of one send.
public struct ExperimentConfig: Sendable, Hashable, Codable {
    public var slug: String
    public var title: String
    public var kind: Kind
    /// Where it is declared, for errors found later (a cohort with no sends, a variant that is not a send).
    public var location: SourceLocation

    public enum Kind: Sendable, Hashable, Codable {
        case frequency(FrequencyTest)
        case subjectLine(SubjectLineTest)
    }

    public init(slug: String, title: String, kind: Kind, location: SourceLocation) {
        self.slug = slug
        self.title = title
        self.kind = kind
        self.location = location
    }
}

/// Cohorts that get different numbers of messages per week over the same weeks.
public struct FrequencyTest: Sendable, Hashable, Codable {
    /// Only sends of this program count (nil: every program).
    public var program: String?
    public var from: ISOWeek
    public var through: ISOWeek
    /// The cohort every other is compared with.
    public var control: String
    /// In the order written.
    public var cohorts: [Cohort]

    public init(program: String?, from: ISOWeek, through: ISOWeek, control: String, cohorts: [Cohort]) {
        self.program = program
        self.from = from
        self.through = through
        self.control = control
        self.cohorts = cohorts
    }
}

/// Which sends went to a cohort: campaign ids matching a pattern, a list (the `segment` column), or the value
/// of the `experiment_group` column (the default: the cohort's own name).
public struct Cohort: Sendable, Hashable, Codable {
    public enum Rule: Sendable, Hashable, Codable {
        case campaigns([String])
        case segment(String)
        case group(String)
    }

    public var name: String
    public var rule: Rule
    public var location: SourceLocation

    public init(name: String, rule: Rule, location: SourceLocation) {
        self.name = name
        self.rule = rule
        self.location = location
    }

    /// Whether a send with this id, segment and experiment group went to the cohort.
    public func matches(campaign: String, segment: String?, group: String?) -> Bool {
        switch rule {
        case .campaigns(let patterns): return patterns.contains { Glob.matches($0, campaign) }
        case .segment(let s): return segment?.lowercased() == s.lowercased()
        case .group(let g): return group?.lowercased() == g.lowercased()
        }
    }
}

/// Variants of one send: named campaign ids, or the sends whose `test` column holds `test`.
public struct SubjectLineTest: Sendable, Hashable, Codable {
    public enum Variants: Sendable, Hashable, Codable {
        case campaigns([String])
        case test(String)
    }

    public var variants: Variants
    /// The rate that decides; the others are shown beside it.
    public var metric: KPI

    public init(variants: Variants, metric: KPI) {
        self.variants = variants
        self.metric = metric
    }
}
