import EventFold
import Foundation
import Metrics
import ReportCore

/// `mailbox-providers/index.html`: what Gmail Postmaster Tools and Microsoft SNDS saw, beside bounce reasons
/// from the sender's own logs; and the week page's section "What Gmail and Microsoft saw".
enum MailboxProvidersPage {
    /// A Gmail domain's row of one week: its worst day, the days at each of Google's lines, the sender's own
    /// complaint rate beside it, authentication and the 7-day rule.
    struct GmailWeekRow: Encodable {
        let label: String
        let href: String?
        let days: String
        let worst: String
        let worst_class: String
        let worst_day: String
        let warning_days: String
        let critical_days: String
        let own_complaint_rate: String
        let auth: [String]
        let mitigation: String
    }

    struct GmailDomainSection: Encodable {
        let id: String
        let domain: String
        let mitigation: String
        let mitigation_class: String
        /// Days of each domain reputation in v1 archives: "HIGH on 50 days, MEDIUM on 2".
        let reputation: String?
        let chart: ChartFigure?
        let weeks: ItemList<GmailWeekRow>?
        let compliance: ItemList<ComplianceRow>?
        let errors: FiguresTable?
    }

    struct ComplianceRow: Encodable {
        let requirement: String
        let status: String
        let ok: Bool
        let reason: String?
    }

    struct SNDSDay: Encodable {
        /// Empty for a day outside the data (the calendar's padding).
        let day: String
        let title: String
        let `class`: String
        let filter: String
        let traps: String?
    }

    struct SNDSCalendarWeek: Encodable {
        let label: String
        let days: [SNDSDay]
    }

    struct SNDSSection: Encodable {
        let id: String
        let ip: String
        let weekdays: [String]
        let calendar: [SNDSCalendarWeek]
        let summary: String
    }

    struct SNDSWeekRow: Encodable {
        let ip: String
        let green: String
        let yellow: String
        let red: String
        let trap_hits: String
        let recipients: String
    }

    struct ReasonTable: Encodable {
        let caption: String
        let columns: [String]
        let rows: [FiguresTable.Row]
        let coverage: String
    }

    struct Model: Encodable {
        let needs_data: String?
        let coverage: String?
        let alerts: ItemList<AlertItem>?
        let gmail: [GmailDomainSection]
        let snds: ItemList<SNDSSection>?
        let reasons: ItemList<ReasonTable>?
        /// Which sends the bounce reasons come from (those with recipient events).
        let reasons_coverage: String?
    }

    /// What the week page shows (and the exported week).
    struct WeekSection: Encodable {
        let gmail: ItemList<GmailWeekRow>?
        let auth_columns: [String]
        let snds: ItemList<SNDSWeekRow>?
        let coverage: String?
        let opt_out: String?
        let href: String
    }

    static let authColumns = ["AUTH_SUCCESS_RATE:dkim", "AUTH_SUCCESS_RATE:spf", "AUTH_SUCCESS_RATE:dmarc"]

    // MARK: The page

    static func render(_ ctx: SiteContext) throws -> DrawnPage {
        let links = PageLinks(.mailboxProviders)
        let report = ctx.report
        let mp = report.mailboxProviders
        let f = ctx.format
        let chrome = try ctx.chrome(links, title: try ctx.t("mailbox.title"), section: .mailboxProviders)
        var coverage: String?
        if let first = mp.firstDay, let last = mp.lastDay {
            coverage = try ctx.labels.format("mailbox.coverage", [
                "first": f.day(first), "last": f.day(last), "domains": f.count(mp.gmail.count), "ips": f.count(mp.snds.count),
            ])
        }
        let gmail = try mp.gmail.map { try domainSection(ctx, $0, links) }
        let snds = try mp.snds.map { try sndsSection(ctx, $0) }
        let model = Model(
            needs_data: mp.isEmpty ? try ctx.t("mailbox.needs_data") : nil, coverage: coverage,
            alerts: try ctx.alertList(report.alerts.filter(\.isMailboxProvider).sorted { ($0.severity, $1.week ?? ISOWeek(year: 0, week: 0)) > ($1.severity, $0.week ?? ISOWeek(year: 0, week: 0)) }, links),
            gmail: gmail, snds: .of(snds), reasons: .of(try reasonTables(ctx)),
            reasons_coverage: report.insights == nil ? nil : try ctx.coverageLine(report.coverage()))
        return try ctx.render("mailbox-providers", chrome, model)
    }

    static func mitigationText(_ ctx: SiteContext, _ m: Mitigation?) throws -> (String, String) {
        guard let m else { return (try ctx.t("mailbox.mitigation_none"), "unknown") }
        let f = ctx.format
        if m.lastDayAtOrAbove == nil {
            return (try ctx.labels.format("mailbox.mitigation_never", ["as_of": f.day(m.asOf)]), "ok")
        }
        if let since = m.eligibleSince {
            return (try ctx.labels.format("mailbox.mitigation_eligible", ["since": f.day(since), "last": f.day(m.lastDayAtOrAbove!)]), "ok")
        }
        return (try ctx.labels.format("mailbox.mitigation_waiting", [
            "last": f.day(m.lastDayAtOrAbove!), "n": String(m.daysBelowSince), "needed": String(GmailRules.mitigationDays),
            "left": String(GmailRules.mitigationDays - m.daysBelowSince),
        ]), "waiting")
    }

    static func weekRow(_ ctx: SiteContext, _ d: GmailDomain, _ w: GmailWeek, label: String, href: String?) throws -> GmailWeekRow {
        let f = ctx.format
        let own = ctx.report.weeks.first { $0.week == w.week }?.totals.value(.complaintRate)
        let worstClass = w.worstSpamRate.map { GmailRules.level($0).map { "\($0)" } ?? "ok" } ?? ""
        return GmailWeekRow(
            label: label, href: href, days: f.count(w.daysWithData), worst: f.percent(w.worstSpamRate), worst_class: worstClass,
            worst_day: w.worstDay.map(f.day) ?? "", warning_days: f.count(w.daysAtOrAboveWarning), critical_days: f.count(w.daysAtOrAboveCritical),
            own_complaint_rate: f.percent(own), auth: authColumns.map { f.percent(w.means[$0]) },
            mitigation: try mitigationText(ctx, d.mitigation(through: w.week)).0)
    }

    static func domainSection(_ ctx: SiteContext, _ d: GmailDomain, _ links: PageLinks) throws -> GmailDomainSection {
        let f = ctx.format
        let (mitigation, mitigationClass) = try mitigationText(ctx, d.mitigation)
        var chart: ChartFigure?
        if !d.spamRates.isEmpty {
            // Every calendar day from the first to the last, so gaps show as gaps.
            var days: [CalendarDay] = []
            var day = d.spamRates.first!.day
            while day <= d.spamRates.last!.day {
                days.append(day)
                day = day.next
            }
            let byDay = Dictionary(d.spamRates.map { ($0.day, $0.rate) }, uniquingKeysWith: { a, _ in a })
            let title = try ctx.labels.format("mailbox.chart", ["domain": d.domain])
            let line = LineChart(
                title: title, description: try ctx.labels.format("chart.description_line", ["first": f.day(days.first!), "last": f.day(days.last!)]),
                categories: days.map(f.dayShort),
                series: [.init(name: try ctx.t("mailbox.spam_rate"), values: days.map { byDay[$0] }, color: "s5")],
                rules: [.init(name: try ctx.t("mailbox.line_warning"), value: GmailRules.spamRateWarning, kind: .warning),
                        .init(name: try ctx.t("mailbox.line_critical"), value: GmailRules.spamRateCritical, kind: .critical)],
                words: try ctx.chartWords(), wideWidth: ChartWidth.full, format: { f.percent($0) })
            chart = ChartFigure(
                id: "gmail-\(Slug.make(d.domain))", title: title, svg: line.svg(id: "chart-gmail-\(Slug.make(d.domain))"),
                figures: ctx.figuresTable(caption: title, columns: [try ctx.t("mailbox.day"), try ctx.t("mailbox.spam_rate")],
                                          rows: d.spamRates.map { [f.day($0.day), f.percent($0.rate)] }))
        }
        let weeks = try d.weeks.reversed().map { w in
            try weekRow(ctx, d, w, label: f.weekHeading(w.week),
                        href: ctx.report.weeks.contains { $0.week == w.week } ? links.to(.week(w.week), fragment: "mailbox-providers") : nil)
        }
        let compliance = try d.compliance.map { c in
            ComplianceRow(requirement: (try? ctx.t("compliance.\(c.requirement.lowercased())")) ?? c.requirement,
                          status: c.isCompliant ? try ctx.t("mailbox.compliant") : try ctx.labels.format("mailbox.needs_work", ["status": c.status]),
                          ok: c.isCompliant, reason: c.reason)
        }
        // Delivery errors Gmail reported, as the week's mean daily rate per error type.
        let errorMetrics = d.metrics.filter { $0.hasPrefix("DELIVERY_ERROR_RATE") }
        var errors: FiguresTable?
        if !errorMetrics.isEmpty {
            errors = ctx.figuresTable(
                caption: try ctx.labels.format("mailbox.errors", ["domain": d.domain]),
                columns: [try ctx.t("table.week")] + errorMetrics.map { $0.split(separator: ":").dropFirst().first.map(String.init) ?? $0 },
                rows: d.weeks.reversed().map { w in [f.weekHeading(w.week)] + errorMetrics.map { f.percent(w.means[$0]) } })
        }
        var reputation: String?
        if let first = d.reputation.first, let last = d.reputation.last {
            let counts = Dictionary(grouping: d.reputation, by: \.text).sorted { ($1.value.count, $0.key) < ($0.value.count, $1.key) }
            reputation = try ctx.labels.format("mailbox.reputation", [
                "first": f.day(first.day), "last": f.day(last.day),
                "counts": try counts.map { try ctx.labels.format("mailbox.reputation_days", ["value": $0.key, "n": f.count($0.value.count)]) }
                    .joined(separator: ", "),
            ])
        }
        return GmailDomainSection(
            id: "gmail-\(Slug.make(d.domain))", domain: d.domain, mitigation: mitigation, mitigation_class: mitigationClass,
            reputation: reputation,
            chart: chart, weeks: .of(weeks), compliance: .of(compliance), errors: errors)
    }

    static func sndsSection(_ ctx: SiteContext, _ a: SNDSAddress) throws -> SNDSSection {
        let f = ctx.format
        let byDay = Dictionary(a.days.map { ($0.day, $0) }, uniquingKeysWith: { x, _ in x })
        var calendar: [SNDSCalendarWeek] = []
        guard let first = a.days.first?.day, let last = a.days.last?.day else {
            return SNDSSection(id: "snds-\(Slug.make(a.ip))", ip: a.ip, weekdays: [], calendar: [], summary: "")
        }
        // Monday of the first week to Sunday of the last.
        var day = CalendarDay.fromOrdinal(first.ordinal - first.weekday)
        while day <= last {
            var cells: [SNDSDay] = []
            let week = day.isoWeek
            for _ in 0..<7 {
                if let r = byDay[day] {
                    let filter = try ctx.t("snds.\(r.filter.rawValue.lowercased())")
                    let traps = r.trapHits > 0 ? try ctx.labels.format("snds.traps", ["n": f.count(r.trapHits)]) : nil
                    cells.append(SNDSDay(
                        day: String(day.day),
                        title: try ctx.labels.format("snds.day_title", [
                            "day": f.day(day), "filter": filter, "recipients": f.count(r.messageRecipients), "traps": f.count(r.trapHits),
                            "complaints": r.complaintRate.map { ($0.below ? "< " : "") + f.percent($0.value) } ?? f.percent(nil),
                        ]),
                        class: "snds-\(r.filter.rawValue.lowercased())", filter: filter, traps: traps))
                } else {
                    cells.append(SNDSDay(day: day < first || day > last ? "" : String(day.day), title: f.day(day), class: "snds-none", filter: "", traps: nil))
                }
                day = day.next
            }
            calendar.append(SNDSCalendarWeek(label: f.weekShort(week), days: cells))
        }
        let summary = try ctx.labels.format("snds.summary", [
            "days": f.count(a.days.count), "green": f.count(a.days.filter { $0.filter == .green }.count),
            "yellow": f.count(a.days.filter { $0.filter == .yellow }.count), "red": f.count(a.days.filter { $0.filter == .red }.count),
            "traps": f.count(a.days.reduce(0) { $0 + $1.trapHits }),
        ])
        return SNDSSection(id: "snds-\(Slug.make(a.ip))", ip: a.ip,
                           weekdays: try ctx.t("snds.weekdays").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) },
                           calendar: calendar, summary: summary)
    }

    /// Bounces and deferrals over the whole report, by provider and reason, with how many had a diagnostic.
    static func reasonTables(_ ctx: SiteContext) throws -> [ReasonTable] {
        guard let counts = ctx.report.insights?.bounceReasons, !counts.isEmpty else { return [] }
        let f = ctx.format
        var out: [ReasonTable] = []
        for kind in BounceReasonCount.Kind.allCases {
            let these = counts.filter { $0.kind == kind }
            guard !these.isEmpty else { continue }
            let providers = MailboxProvider.allCases.filter { p in these.contains { $0.provider == p } }
            let reasons: [BounceReason?] = BounceReason.allCases.map { Optional($0) } + [nil]
            var rows: [FiguresTable.Row] = []
            for r in reasons {
                let cells = providers.map { p in these.filter { $0.provider == p && $0.reason == r }.reduce(0) { $0 + $1.messages } }
                guard cells.contains(where: { $0 > 0 }) else { continue }
                rows.append(.init(label: try ctx.t("reason.\(r?.key ?? "not_given")"), cells: cells.map { f.count($0) }))
            }
            let total = these.reduce(0) { $0 + $1.messages }, given = these.filter { $0.reason != nil }.reduce(0) { $0 + $1.messages }
            out.append(ReasonTable(
                caption: try ctx.t("reason.title_\(kind.rawValue)"),
                columns: try [ctx.t("reason.column")] + providers.map { try ctx.t("provider.\($0.key)") },
                rows: rows,
                coverage: try ctx.labels.format("reason.coverage", ["given": f.count(given), "total": f.count(total)])))
        }
        return out
    }

    // MARK: The week's section

    static func weekSection(_ ctx: SiteContext, _ week: ISOWeek, _ links: PageLinks) throws -> WeekSection? {
        let report = ctx.report
        let mp = report.mailboxProviders
        let f = ctx.format
        let gmail = try mp.gmail.compactMap { d -> GmailWeekRow? in
            guard let w = d.week(week) else { return nil }
            return try weekRow(ctx, d, w, label: d.domain, href: links.to(.mailboxProviders, fragment: "gmail-\(Slug.make(d.domain))"))
        }
        let snds = mp.snds.compactMap { a -> SNDSWeekRow? in
            guard let w = a.week(week) else { return nil }
            return SNDSWeekRow(ip: a.ip, green: f.count(w.days(.green)), yellow: f.count(w.days(.yellow)), red: f.count(w.days(.red)),
                               trap_hits: f.count(w.trapHits), recipients: f.count(w.messageRecipients))
        }
        var optOut: String?
        if let insights = report.insights {
            let sends = report.sends.filter { $0.week == week }.compactMap { s in insights.sends[s.id].map { (s, $0.sentAfterOptOut) } }
            if !sends.isEmpty {
                let late = sends.filter { $0.1 > 0 }
                let n = late.reduce(0) { $0 + $1.1 }
                optOut = n == 0
                    ? try ctx.labels.format("mailbox.opt_out_none", ["sends": f.count(sends.count)])
                    : try ctx.labels.format("mailbox.opt_out", ["n": f.count(n), "sends": late.map(\.0.title).joined(separator: ", ")])
            }
        }
        guard !gmail.isEmpty || !snds.isEmpty || optOut != nil else { return nil }
        var coverage: String?
        if !gmail.isEmpty || !snds.isEmpty {
            coverage = try ctx.labels.format("mailbox.week_coverage", [
                "gmail_days": f.count(mp.gmail.compactMap { $0.week(week)?.daysWithData }.max() ?? 0),
                "snds_days": f.count(mp.snds.compactMap { $0.week(week)?.days.count }.max() ?? 0),
            ])
        }
        return WeekSection(gmail: .of(gmail), auth_columns: try authColumns.map { try ctx.t("mailbox.auth_\($0.split(separator: ":").last!)") },
                           snds: .of(snds), coverage: coverage, opt_out: optOut, href: links.to(.mailboxProviders))
    }
}
