import ReportCore

/// An alert or recommendation with the figures that raised it (`metrics.md`, *Alerts and recommendations*).
/// Wording is the site's job; this carries the decision and its numbers.
public struct Alert: Sendable, Hashable, Codable {
    public enum Severity: Int, Sendable, Comparable, Codable {
        case recommendation, warning, critical
        public static func < (a: Severity, b: Severity) -> Bool { a.rawValue < b.rawValue }
    }

    public enum Kind: String, Sendable, Codable {
        case complaintRate = "complaint_rate"
        case hardBounceRate = "hard_bounce_rate"
        case unsubscribeSpike = "unsubscribe_spike"
        case humanOpenDrop = "human_open_drop"
        case goalMissed = "goal_missed"
        case noReplySender = "no_reply_sender"
        case inactiveShare = "inactive_share"
        case frequency = "frequency"
        /// Gmail Postmaster Tools' spam rate of a domain at or above Google's 0.1 % / 0.3 % on a day of the week.
        case gmailSpamRate = "gmail_spam_rate"
        /// Gmail's spam rate over a line while the sender's own complaint rate of the week is below 0.1 %.
        case gmailDivergence = "gmail_divergence"
        /// A Postmaster Tools compliance requirement that is not `COMPLIANT`.
        case complianceItem = "compliance_item"
        /// SNDS rated an IP RED (critical) or YELLOW (warning) on days of the week.
        case sndsFilter = "snds_filter"
        case spamTrapHits = "spam_trap_hits"
        /// Messages of a send that went to addresses more than 48 hours after they opted out.
        case sentAfterOptOut = "sent_after_optout"
    }

    public var severity: Severity
    public var kind: Kind
    /// The program, or "" for the whole sender.
    public var program: String
    /// The week it belongs to (nil for standing recommendations).
    public var week: ISOWeek?
    /// The send that raised it, for per-send alerts.
    public var campaign: String?
    public var kpi: KPI?
    /// The measured value, the threshold it crossed, and for trend alerts the 4-week baseline.
    public var value: Double?
    public var threshold: Double?
    public var baseline: Double?
    /// The count behind the value, where the rule needs one (a spike from a zero baseline).
    public var count: Int?
    /// The sender address, for the no-reply recommendation.
    public var address: String?
    /// The value's 95 % interval, for alerts on a rate.
    public var interval: Interval?
    /// Whether the whole interval is past the threshold (*certain*) or only the rate (*possible*); nil for
    /// alerts that are not on a rate.
    public var certainty: Certainty?

    /// The sending domain or IP a mailbox provider's alert is about.
    public var subject: String?
    /// The provider's day the alert points at (the worst day of the week, the first red day).
    public var day: CalendarDay?
    /// What else names the alert: a compliance requirement, an SNDS filter result.
    public var detail: String?

    public enum Certainty: String, Sendable, Codable { case certain, possible }

    /// Whether the alert comes from the mailbox providers' own data (their page explains it).
    public var isMailboxProvider: Bool {
        [.gmailSpamRate, .gmailDivergence, .complianceItem, .sndsFilter, .spamTrapHits].contains(kind)
    }
}

enum AlertRules {
    /// `a ≥ b` that holds when the two are equal up to floating-point rounding (e.g. `0.7 × 0.25`), so an
    /// inclusive band never depends on the last bit of a product.
    static func atLeast(_ a: Double, _ b: Double) -> Bool { a >= b - abs(b) * 1e-12 }

    /// *Certain* when the whole 95 % interval is past the threshold, *possible* when only the rate is. `high`:
    /// the alert is for values at or above the threshold (complaints), else at or below it (a drop in opens).
    static func certainty(_ interval: Interval?, threshold: Double, high: Bool) -> Alert.Certainty? {
        guard let interval else { return nil }
        return (high ? atLeast(interval.low, threshold) : atLeast(threshold, interval.high)) ? .certain : .possible
    }

    /// The alert with its interval and certainty from the counts behind its value.
    static func judged(_ a: Alert, _ ratio: Ratio?, high: Bool) -> Alert {
        var a = a
        a.interval = ratio?.interval
        // A spike from a zero baseline is a count rule (threshold 0): every interval is past it, which says nothing.
        if let th = a.threshold, th > 0 { a.certainty = certainty(a.interval, threshold: th, high: high) }
        return a
    }

    /// Banded alerts are inclusive: exactly 0.3 % complaints is critical.
    static func band(_ value: Double, _ band: Band) -> (Alert.Severity, Double)? {
        if let c = band.critical, atLeast(value, c) { return (.critical, c) }
        if let w = band.warning, atLeast(value, w) { return (.warning, w) }
        return nil
    }

    static func sendAlerts(_ s: Send, thresholds t: Thresholds) -> [Alert] {
        var out: [Alert] = []
        let totals = Totals([s])
        for (kpi, kind, b) in [(KPI.complaintRate, Alert.Kind.complaintRate, t.complaintRate), (.hardBounceRate, .hardBounceRate, t.hardBounceRate)] {
            if let v = totals.value(kpi), let (sev, th) = band(v, b) {
                out.append(judged(Alert(severity: sev, kind: kind, program: s.program, week: s.week, campaign: s.id, kpi: kpi, value: v, threshold: th),
                                  totals.rates[kpi], high: true))
            }
        }
        return out
    }

    static func programWeekAlerts(_ pw: ProgramWeek, goals: [KPI: Double], thresholds t: Thresholds) -> [Alert] {
        guard pw.hasSends else { return [] }
        var out: [Alert] = []
        func add(_ sev: Alert.Severity, _ kind: Alert.Kind, _ kpi: KPI, _ v: Double, _ th: Double, baseline: Double? = nil, count: Int? = nil,
                 high: Bool = true) {
            let a = Alert(severity: sev, kind: kind, program: pw.program, week: pw.week, kpi: kpi, value: v, threshold: th, baseline: baseline, count: count)
            out.append(judged(a, pw.totals.rates[kpi], high: high))
        }
        for (kpi, kind, b) in [(KPI.complaintRate, Alert.Kind.complaintRate, t.complaintRate), (.hardBounceRate, .hardBounceRate, t.hardBounceRate)] {
            if let v = pw.totals.value(kpi), let (sev, th) = band(v, b) { add(sev, kind, kpi, v, th) }
        }
        // Fatigue spike: unsubscribes at or above twice the 4 previous weeks (which must have had sends).
        // From a zero baseline no multiple says anything: a spike is at least `unsubscribeSpikeFromZero`
        // unsubscribes in the week.
        if let v = pw.totals.value(.unsubscribeRate), let base = pw.baseline.value(.unsubscribeRate) {
            if base > 0, atLeast(v, t.unsubscribeSpike * base) {
                add(.warning, .unsubscribeSpike, .unsubscribeRate, v, t.unsubscribeSpike * base, baseline: base)
            } else if base == 0, let n = pw.totals.counts.unsubscribes, n >= t.unsubscribeSpikeFromZero {
                add(.warning, .unsubscribeSpike, .unsubscribeRate, v, 0, baseline: 0, count: n)
            }
        }
        // Engagement drop: human opens at or below 0.7 × the 4 previous weeks.
        if let v = pw.totals.value(.humanOpenRate), let base = pw.baseline.value(.humanOpenRate), base > 0,
           atLeast(t.humanOpenDrop * base, v) {
            add(.warning, .humanOpenDrop, .humanOpenRate, v, t.humanOpenDrop * base, baseline: base, high: false)
        }
        for kpi in KPI.allCases {
            guard let goal = goals[kpi], let v = pw.totals.value(kpi) else { continue }
            let missed = kpi.higherIsBetter ? v < goal : v > goal
            if missed { add(.warning, .goalMissed, kpi, v, goal, high: !kpi.higherIsBetter) }
        }
        return out
    }

    /// `noreply@`, `no-reply@`, `do_not_reply@` …: replies are engagement, and these addresses refuse them.
    static func isNoReply(_ address: String) -> Bool {
        let local = address.split(separator: "@").first.map(String.init)?.lowercased() ?? ""
        let squeezed = local.filter { $0 != "-" && $0 != "_" && $0 != "." }
        return squeezed.contains("noreply") || squeezed.contains("donotreply")
    }
}
