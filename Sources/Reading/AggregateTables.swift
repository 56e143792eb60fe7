import EventFold
import Foundation
import ReportCore

/// The aggregate tables (`docs/aggregates.md`): what a report needs of its recipient events, without a
/// recipient in them, as CSV files one table each. `inbox-report export aggregates` writes them from the fold;
/// a warehouse (the dbt project in `warehouse/`) computes the same files with SQL; a project whose `data/`
/// holds them instead of event files builds the same site.
///
/// Every table, column and encoding is defined here once and used both ways (`files(_:)` and `assemble`):
/// - a file is `<table>.csv`, UTF-8, a header of exactly the table's columns, LF line ends, RFC 4180 quoting
///   (only where a cell holds a comma, a quote or a line break; no spreadsheet escaping: these are data);
/// - counts are whole numbers; an empty count is unknown (never zero); times are Unix seconds, written as
///   the shortest decimal that reads back as the same 64-bit float (no point for whole seconds); weeks are
///   ISO weeks (`2026-W05`); booleans `true`/`false`;
/// - rows are in the order of the table's key columns (text by bytes, numbers by value); rows whose counts
///   are all zero are left out (a missing row counts zero), except where a table says otherwise.
public enum AggregateTables {
    /// The contract's version: a reader accepts its own version only, since a column that changed meaning
    /// would give wrong figures.
    public static let contractVersion = 1

    public enum Table: String, CaseIterable, Sendable, Codable {
        case manifest = "aggregates"
        case sendCounts = "send_counts"
        case sendInsights = "send_insights"
        case sendProviders = "send_providers"
        case sendHours = "send_hours"
        case sendLinks = "send_links"
        case tierCounts = "tier_counts"
        case tierMessages = "tier_messages"
        case frequency
        case bounceReasons = "bounce_reasons"
        case reactivation
        case experimentCohorts = "experiment_cohorts"
        case cohortSends = "cohort_sends"

        public var fileName: String { rawValue + ".csv" }

        public var columns: [String] {
            switch self {
            case .manifest:
                return ["contract_version", "event_count", "newest_event_at", "time_zone", "first_week", "last_week",
                        "tier_active_days", "tier_warm_days", "tier_cooling_days", "tier_at_risk_days", "tier_new_days",
                        "messages_per_week_threshold", "late_engager_days"]
            case .sendCounts: return ["campaign", "program", "first_send_at", "has_machine_signal"] + AggregateTables.countColumns.map(\.0)
            case .sendInsights: return ["campaign", "program", "week", "sent_at", "sent_after_opt_out"]
            case .sendProviders: return ["campaign", "provider"] + AggregateTables.countColumns.map(\.0)
            case .sendHours: return ["campaign", "hour", "first_opens", "first_clicks"]
            case .sendLinks: return ["campaign", "rank", "url", "clickers"]
            case .tierCounts: return ["scope", "program", "week", "tier", "recipients"]
            case .tierMessages: return ["scope", "program", "tier"] + AggregateTables.tallyColumns.map(\.0)
            case .frequency: return ["bucket", "recipient_weeks"] + AggregateTables.tallyColumns.map(\.0)
            case .bounceReasons: return ["week", "provider", "kind", "reason", "messages"]
            case .reactivation:
                return ["campaign", "window_end"] + AggregateTables.tallyColumns.map(\.0)
                    + Outcome.allCases.map { "outcome_" + $0.key } + ["late_engagers"]
            case .experimentCohorts:
                return ["experiment", "cohort", "recipients"] + AggregateTables.tallyColumns.map(\.0)
                    + ["clicks_sum", "clicks_sum_of_squares", "human_opens_sum", "human_opens_sum_of_squares",
                       "unsubscribed_recipients", "complained_recipients", "hard_bounced_recipients", "lost_recipients",
                       "also_in_another"]
            case .cohortSends: return ["experiment", "cohort", "campaign"]
            }
        }

        /// How many leading columns are the row's key, and which of them sort as numbers.
        var key: (count: Int, numeric: Set<Int>) {
            switch self {
            case .manifest: return (0, [])
            case .sendCounts, .sendInsights, .reactivation: return (1, [])
            case .sendProviders: return (2, [])
            case .sendHours, .sendLinks: return (2, [1])
            case .tierCounts: return (4, [])
            case .tierMessages: return (3, [])
            case .frequency: return (1, [])
            case .bounceReasons: return (4, [])
            case .experimentCohorts: return (2, [1])
            case .cohortSends: return (3, [1])
            }
        }

        /// The table whose header this is, exactly.
        public static func matching(header: [String]) -> Table? {
            allCases.first { $0.columns == header }
        }
    }

    /// A send's counts, as the campaign-results columns of `inputs.md` §1 name them (plus the two only events
    /// give). Empty: unknown.
    static let countColumns: [(String, WritableKeyPath<SendCounts, Int?> & Sendable)] = [
        ("sent", \.sent), ("delivered", \.delivered), ("hard_bounces", \.hardBounces), ("soft_bounces", \.softBounces),
        ("undetermined_bounces", \.undeterminedBounces), ("dropped", \.dropped), ("unique_opens", \.uniqueOpens),
        ("machine_opens", \.machineOpens), ("unique_clicks", \.uniqueClicks), ("forwards", \.forwards), ("replies", \.replies),
        ("unsubscribes", \.unsubscribes), ("complaints", \.complaints), ("deleted_unopened", \.deletedUnopened),
        ("positive_recipients", \.positiveRecipients),
    ]

    /// Messages counted by the message rules (`MessageTally`), one column per rule.
    static let tallyColumns: [(String, WritableKeyPath<MessageTally, Int> & Sendable)] = [
        ("went_out", \.wentOut), ("delivered", \.delivered), ("hard_bounced", \.hardBounced), ("soft_bounced", \.softBounced),
        ("undetermined_bounced", \.undeterminedBounced), ("dropped", \.dropped), ("opened", \.opened),
        ("machine_only_opened", \.machineOnlyOpened), ("opened_unverified", \.openedUnverified), ("engaged", \.engaged),
        ("clicked", \.clicked), ("forwarded", \.forwarded), ("replied", \.replied), ("unsubscribed", \.unsubscribed),
        ("complained", \.complained), ("deleted_unopened", \.deletedUnopened),
    ]

    static let frequencyBuckets = ["1", "2", "3", "4", "5+"]
    static let overThreshold = "over_threshold"

    // MARK: Cells

    static func time(_ t: Double) -> String {
        t == t.rounded(.towardZero) && abs(t) < 1e15 ? String(Int64(t)) : "\(t)"
    }

    static func bool(_ b: Bool) -> String { b ? "true" : "false" }

    static func count(_ n: Int?) -> String { n.map(String.init) ?? "" }

    static func counts(_ c: SendCounts) -> [String] { countColumns.map { count(c[keyPath: $0.1]) } }

    static func tally(_ t: MessageTally) -> [String] { tallyColumns.map { String(t[keyPath: $0.1]) } }

    static func csv(_ cell: String) -> String {
        guard cell.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return cell }
        return "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    // MARK: Writing

    /// Every table's file (name → bytes) for the aggregates of a report in `timeZone` (an IANA name).
    public static func files(_ a: RecipientAggregates, timeZone: String) -> [String: Data] {
        var out: [String: Data] = [:]
        for (table, rows) in rows(a, timeZone: timeZone) {
            let k = table.key
            let sorted = rows.sorted { x, y in
                for i in 0..<k.count where x[i] != y[i] {
                    return k.numeric.contains(i) ? Int(x[i])! < Int(y[i])! : x[i].utf8.lexicographicallyPrecedes(y[i].utf8)
                }
                return false
            }
            var text = table.columns.joined(separator: ",") + "\n"
            for row in sorted { text += row.map(csv).joined(separator: ",") + "\n" }
            out[table.fileName] = Data(text.utf8)
        }
        return out
    }

    static func rows(_ a: RecipientAggregates, timeZone: String) -> [Table: [[String]]] {
        var t: [Table: [[String]]] = [:]
        for table in Table.allCases { t[table] = [] }
        let plan = a.insights?.plan
        let bounds = plan?.bounds
        t[.manifest] = [[
            String(contractVersion), String(a.eventCount), a.newestEventTime.map(time) ?? "", timeZone,
            plan?.weeks.first?.description ?? "", plan?.weeks.last?.description ?? "",
            count(bounds?.active), count(bounds?.warm), count(bounds?.cooling), count(bounds?.atRisk), count(bounds?.newDays),
            count(plan?.frequencyThreshold), String(ReactivationResult.lateDays),
        ]]
        for (id, s) in a.sends {
            t[.sendCounts]!.append([id, s.program ?? "", time(s.firstSendTime), bool(s.hasMachineSignal)] + counts(s.counts))
        }
        if let planned = a.insights {
            let insights = planned.insights
            for (id, send) in planned.plan.sends {
                let detail = insights.sends[id] ?? SendDetail()
                t[.sendInsights]!.append([id, send.program, send.week.description, time(send.sentAt), String(detail.sentAfterOptOut)])
                for (p, c) in detail.providers { t[.sendProviders]!.append([id, p.key] + counts(c)) }
                for h in 0..<detail.opensByHour.count where detail.opensByHour[h] + detail.clicksByHour[h] > 0 {
                    t[.sendHours]!.append([id, String(h), String(detail.opensByHour[h]), String(detail.clicksByHour[h])])
                }
                for (rank, link) in detail.topLinks.enumerated() {
                    t[.sendLinks]!.append([id, String(rank + 1), link.url, String(link.clickers)])
                }
            }
            let series = [("sender", "", insights.sender)] + insights.programs.map { ("program", $0.key, $0.value) }
            for (scope, program, s) in series {
                for (w, week) in s.weeks.enumerated() {
                    for tier in Tier.allCases where s.count(tier, week: w) > 0 {
                        t[.tierCounts]!.append([scope, program, week.description, tier.key, String(s.count(tier, week: w))])
                    }
                }
                for tier in Tier.allCases where s.messages(tier) != MessageTally() {
                    t[.tierMessages]!.append([scope, program, tier.key] + tally(s.messages(tier)))
                }
            }
            for (i, b) in insights.frequency.enumerated() where b.recipientWeeks > 0 {
                t[.frequency]!.append([frequencyBuckets[i], String(b.recipientWeeks)] + tally(b.messages))
            }
            if insights.overThreshold.recipientWeeks > 0 {
                t[.frequency]!.append([overThreshold, String(insights.overThreshold.recipientWeeks)] + tally(insights.overThreshold.messages))
            }
            for r in insights.bounceReasons {
                t[.bounceReasons]!.append([r.week.description, r.provider.key, r.kind.rawValue, r.reason?.key ?? "", String(r.messages)])
            }
        }
        for (id, o) in a.reactivation {
            t[.reactivation]!.append([id, time(o.windowEnd)] + tally(o.messages) + o.outcomes.map(String.init) + [String(o.lateEngagers)])
        }
        for (slug, c) in a.experiments {
            for (i, k) in c.tallies.enumerated() {
                t[.experimentCohorts]!.append(
                    [slug, String(i), String(k.recipients)] + tally(k.messages)
                        + [k.clicks.sum, k.clicks.sumOfSquares, k.humanOpens.sum, k.humanOpens.sumOfSquares,
                           k.unsubscribed, k.complained, k.hardBounced, k.lost, k.alsoInAnother].map(String.init))
            }
            // Only sends with events are walked; the others' cohorts are the campaign results' business.
            for (id, cohort) in c.cohortOf where a.sends[id] != nil { t[.cohortSends]!.append([slug, String(cohort), id]) }
        }
        return t
    }
}
