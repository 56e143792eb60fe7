import EventFold
import Foundation
import Metrics
import ReportCore

/// `experiments/index.html` (the list) and `experiments/<slug>/index.html`: a frequency test per recipient and
/// per message, or a subject-line test's variants against the first, each difference with its 95 % interval.
enum ExperimentPage {
    struct Model: Encodable {
        /// One figure of a cohort or variant: the value, its interval, and against the control its difference.
        struct Cell: Encodable {
            let value: String
            let interval: String?
            let difference: String?
            /// `better`, `worse` or `flat` (within chance).
            let difference_class: String?
            let difference_title: String?
        }
        struct Row: Encodable {
            let label: String
            /// The glossary or help text of the row.
            let help: String?
            let cells: [Cell]
        }
        /// One cohort against the control: a lead ("twice (1.9 a week) against once (1.0 a week):") and a
        /// finding per figure.
        struct Verdict: Encodable {
            let lead: String
            let findings: [String]
        }
        struct FrequencySection: Encodable {
            /// The cohorts' names, control first marked.
            let cohorts: [String]
            let per_recipient: [Row]
            let per_message: [Row]
            let verdicts: [Verdict]
            let needs_events: String?
        }
        struct Variant: Encodable {
            let name: String
            let subject: String?
            let href: String
            let delivered: String
            let cells: [RateCell]
            let lift: String?
            let lift_class: String?
            let lift_title: String?
            let probability: String?
            let baseline: Bool
        }
        struct SubjectSection: Encodable {
            let metric: String
            let columns: [KPIColumn]
            let variants: [Variant]
            let verdict: String
        }
        let title: String
        let kind: String
        /// What the experiment covers, in numbers.
        let coverage: String
        let note: String?
        let frequency: FrequencySection?
        let subject: SubjectSection?
    }

    struct ListModel: Encodable {
        struct Item: Encodable {
            let title: String
            let href: String
            let kind: String
            let coverage: String
        }
        let experiments: [Item]
    }

    static let perMessage: [KPI] = [.humanOpenRate, .clickRate, .unsubscribeRate, .complaintRate, .hardBounceRate]

    static func renderList(_ ctx: SiteContext) throws -> DrawnPage {
        let links = PageLinks(.experiments)
        let items = try ctx.report.experiments.map { e in
            ListModel.Item(title: e.config.title, href: links.to(.experiment(e.slug)), kind: try kindLabel(ctx, e), coverage: try coverage(ctx, e))
        }
        return try ctx.render("experiments", try ctx.chrome(links, title: try ctx.t("experiment.list_title"), section: .experiment), ListModel(experiments: items))
    }

    static func kindLabel(_ ctx: SiteContext, _ e: ExperimentResult) throws -> String {
        switch e.outcome {
        case .frequency: return try ctx.t("experiment.kind_frequency")
        case .subjectLine: return try ctx.t("experiment.kind_subject")
        }
    }

    static func coverage(_ ctx: SiteContext, _ e: ExperimentResult) throws -> String {
        let f = ctx.format
        switch e.outcome {
        case .frequency(let r):
            let all = try ctx.t("experiment.all_programs")
            let program = r.test.program.map { ctx.programName($0) } ?? all
            return try ctx.labels.format("experiment.coverage_frequency", [
                "program": program, "from": f.weekTitle(r.test.from), "through": f.weekTitle(r.test.through), "weeks": f.count(r.weeks),
                "cohorts": f.count(r.cohorts.count), "sends": f.count(r.cohorts.reduce(0) { $0 + $1.sendIDs.count }),
                "recipients": f.count(r.cohorts.reduce(0) { $0 + $1.tally.recipients }),
            ])
        case .subjectLine(let r):
            return try ctx.labels.format("experiment.coverage_subject", [
                "variants": f.count(r.variants.count),
                "delivered": f.count(r.variants.reduce(0) { $0 + ($1.totals.counts.delivered ?? 0) }),
            ])
        }
    }

    static func render(_ ctx: SiteContext, _ e: ExperimentResult) throws -> DrawnPage {
        let links = PageLinks(.experiment(e.slug))
        var frequency: Model.FrequencySection?
        var subject: Model.SubjectSection?
        switch e.outcome {
        case .frequency(let r): frequency = try frequencySection(ctx, r)
        case .subjectLine(let r): subject = try subjectSection(ctx, r, links)
        }
        let model = Model(title: e.config.title, kind: try kindLabel(ctx, e), coverage: try coverage(ctx, e),
                          note: ctx.note(ctx.notes.experiments[e.slug]), frequency: frequency, subject: subject)
        return try ctx.render("experiment", try ctx.chrome(links, title: e.config.title, section: .experiment), model)
    }

    /// A difference in words' pieces: its text, class and tooltip. Shares are in points, means in counts.
    static func difference(_ ctx: SiteContext, _ d: Estimate?, higherIsBetter: Bool, points: Bool) -> (String?, String?, String?) {
        guard let d else { return (nil, nil, nil) }
        let f = ctx.format
        let real = d.interval.excludesZero
        let text = points ? f.points(d.value) : signed(f, d.value)
        let range = points ? f.pointsRange(d.interval) : meanRange(ctx, d.interval)
        let cls = real ? ((d.value > 0) == higherIsBetter ? "better" : "worse") : "flat"
        let title = try? ctx.labels.format(real ? "interval.change_real" : "interval.change_chance", ["range": range])
        return (text, cls, title)
    }

    static func signed(_ f: Format, _ x: Double) -> String {
        let shown = f.number(abs(x), decimals: 2)
        return (x > 0 ? "+" : x < 0 && shown != f.number(0, decimals: 2) ? "−" : "±") + shown
    }

    static func meanRange(_ ctx: SiteContext, _ i: Interval) -> String {
        (try? ctx.labels.format("format.range", ["low": signed(ctx.format, i.low), "high": signed(ctx.format, i.high)])) ?? ""
    }

    static func frequencySection(_ ctx: SiteContext, _ r: FrequencyResult) throws -> Model.FrequencySection {
        let f = ctx.format
        let control = r.control
        let names = try r.cohorts.map { c in
            c.name == control.name ? try ctx.labels.format("experiment.control_name", ["name": c.name]) : c.name
        }
        var perRecipient: [Model.Row] = []
        // Recipients and messages per recipient per week first: what each cohort was given.
        perRecipient.append(Model.Row(label: try ctx.t("experiment.recipients"), help: nil, cells: r.cohorts.map {
            Model.Cell(value: f.count($0.tally.recipients), interval: nil, difference: nil, difference_class: nil, difference_title: nil)
        }))
        perRecipient.append(Model.Row(label: try ctx.t("experiment.per_week"), help: try ctx.t("experiment.per_week_help"), cells: r.cohorts.map {
            Model.Cell(value: $0.messagesPerRecipientPerWeek(weeks: r.weeks).map { f.number($0, decimals: 2) } ?? "—",
                       interval: nil, difference: nil, difference_class: nil, difference_title: nil)
        }))
        var verdicts: [Model.Verdict] = []
        if r.hasRecipients {
            for m in PerRecipient.allCases {
                let measure = try ctx.t("experiment.measure.\(m.rawValue)")
                perRecipient.append(Model.Row(label: measure.prefix(1).uppercased() + measure.dropFirst(), help: try ctx.t("experiment.measure.\(m.rawValue)_help"), cells: r.cohorts.map { c in
                    let value = c.value(m).map { m.isShare ? f.percent($0) : f.number($0, decimals: 2) } ?? "—"
                    let (d, cls, title) = c.name == control.name ? (nil, nil, nil)
                        : difference(ctx, c.difference(m, from: control), higherIsBetter: m.higherIsBetter, points: m.isShare)
                    return Model.Cell(value: value, interval: f.percentRange(c.interval(m)), difference: d, difference_class: cls, difference_title: title)
                }))
            }
            for c in r.cohorts where c.name != control.name {
                verdicts.append(try verdict(ctx, c, control, weeks: r.weeks))
            }
        }
        let perMessage = try perMessage.map { kpi in
            Model.Row(label: try ctx.kpiLabel(kpi), help: nil, cells: r.cohorts.map { c in
                let cell = ctx.rateCell(c.totals, kpi)
                let d = c.name == control.name ? nil : c.totals.rates[kpi].flatMap { a in control.totals.rates[kpi].flatMap { a.difference(from: $0) } }
                let (text, cls, title) = difference(ctx, d, higherIsBetter: kpi.higherIsBetter, points: true)
                return Model.Cell(value: cell.value, interval: cell.interval, difference: text, difference_class: cls, difference_title: title)
            })
        }
        return Model.FrequencySection(
            cohorts: names, per_recipient: perRecipient, per_message: perMessage, verdicts: verdicts,
            needs_events: r.hasRecipients ? nil : try ctx.t("experiment.needs_events"))
    }

    /// "twice (2.0 a week) against once (1.0 a week):", then "cost +0.40 pp recipients who unsubscribed (…)", …
    static func verdict(_ ctx: SiteContext, _ c: CohortResult, _ control: CohortResult, weeks: Int) throws -> Model.Verdict {
        let f = ctx.format
        var parts: [String] = []
        for m in PerRecipient.allCases {
            guard let d = c.difference(m, from: control) else { continue }
            let amount = m.isShare ? f.points(d.value) : signed(f, d.value)
            let range = m.isShare ? f.pointsRange(d.interval) : meanRange(ctx, d.interval)
            let measure = try ctx.t("experiment.measure.\(m.rawValue)")
            let key = !d.interval.excludesZero ? "experiment.verdict_same" : ((d.value > 0) == m.higherIsBetter ? "experiment.verdict_brought" : "experiment.verdict_cost")
            parts.append(try ctx.labels.format(key, ["amount": amount, "measure": measure, "range": range]))
        }
        let lead = try ctx.labels.format("experiment.verdict", [
            "cohort": c.name, "control": control.name,
            "rate": c.messagesPerRecipientPerWeek(weeks: weeks).map { f.number($0, decimals: 1) } ?? "—",
            "control_rate": control.messagesPerRecipientPerWeek(weeks: weeks).map { f.number($0, decimals: 1) } ?? "—",
        ])
        return Model.Verdict(lead: lead, findings: parts)
    }

    static func subjectSection(_ ctx: SiteContext, _ r: SubjectLineResult, _ links: PageLinks) throws -> Model.SubjectSection {
        let f = ctx.format
        let kpi = r.test.metric
        let columns = [kpi] + perMessage.filter { $0 != kpi }
        let variants = try r.variants.enumerated().map { i, v -> Model.Variant in
            let send = ctx.report.send(v.sendID)
            let (lift, cls, title) = difference(ctx, v.lift, higherIsBetter: kpi.higherIsBetter, points: true)
            return Model.Variant(
                name: send?.experimentGroup ?? send?.title ?? v.sendID, subject: send?.subject, href: links.to(.campaign(v.sendID)),
                delivered: f.count(v.totals.counts.delivered), cells: columns.map { ctx.rateCell(v.totals, $0) },
                lift: lift, lift_class: cls, lift_title: title,
                probability: v.probabilityBetter.map { f.percent($0) }, baseline: i == 0)
        }
        // The best variant by its probability of beating the first; "clear" from 95 %.
        let best = r.variants.dropFirst().max { ($0.probabilityBetter ?? 0) < ($1.probabilityBetter ?? 0) }
        let baseName = variants.first?.name ?? ""
        let verdict: String
        if let best, let p = best.probabilityBetter, let name = variants.first(where: { $0.href == links.to(.campaign(best.sendID)) })?.name {
            let key = p >= 0.95 ? "experiment.subject_clear" : p <= 0.05 ? "experiment.subject_worse" : "experiment.subject_unclear"
            verdict = try ctx.labels.format(key, ["variant": name, "baseline": baseName, "probability": f.percent(p), "kpi": try ctx.kpiLabel(kpi)])
        } else {
            verdict = try ctx.labels.format("experiment.subject_unknown", ["kpi": try ctx.kpiLabel(kpi)])
        }
        return Model.SubjectSection(metric: try ctx.kpiLabel(kpi), columns: try columns.map(ctx.kpiColumn), variants: variants, verdict: verdict)
    }
}
