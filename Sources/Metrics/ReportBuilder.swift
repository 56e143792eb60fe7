import EventFold
import Foundation
import ReportCore

/// Joins campaign results with recipient events into sends, then computes every program-week, trend and
/// alert. Pure: records in, `Report` out.
public enum ReportBuilder {
    /// Builds from the recipient events (nil without any): the fold, or aggregate tables computed from it
    /// elsewhere (`RecipientEvidence`).
    public static func build(config: ReportConfig, rows: [CampaignRow], evidence: (any RecipientEvidence)?,
                             mailboxProviders: MailboxProviderData = MailboxProviderData()) throws -> Report {
        let evidence = (evidence?.eventCount ?? 0) > 0 ? evidence : nil
        var report = try build(
            config: config, rows: rows, events: try evidence?.summaries() ?? [:],
            newestEventTime: evidence?.newestTime, eventCount: evidence?.eventCount ?? 0)
        report.mailboxProviders = MailboxProviderReport.compute(mailboxProviders)
        let weekTotals = Dictionary(uniqueKeysWithValues: report.weeks.map { ($0.week, $0.totals) })
        report.alerts += report.mailboxProviders.alerts { weekTotals[$0]?.value(.complaintRate) }
        report.sortAlerts()
        for s in report.reactivationSends { report.beforeAfter[s.id] = BeforeAfterRule.compute(s, sends: report.sends, newestData: report.newestData) }
        report.experiments = try ExperimentRules.compute(report, evidence: evidence)
        guard let evidence, let first = report.sends.map(\.week).min(),
              let last = report.sends.map(\.week).max() else { return report }
        let calendar = WeekCalendar(timeZone: config.timeZone)
        let weeks = calendar.weeks(from: first, through: last)
        let eventSends = report.sends.filter { $0.source == .events }
        let programs = Array(Set(eventSends.map(\.program))).sorted()
        let programIndex = Dictionary(uniqueKeysWithValues: programs.enumerated().map { ($1, $0) })
        let weekIndex = Dictionary(uniqueKeysWithValues: weeks.enumerated().map { ($1, $0) })
        var planned: [String: InsightsPlan.PlannedSend] = [:]
        for s in eventSends {
            guard let p = programIndex[s.program], let w = weekIndex[s.week] else { continue }
            planned[s.id] = InsightsPlan.PlannedSend(sentAt: s.sentAt.timeIntervalSince1970, program: p, week: w)
        }
        let insights = try evidence.insights(plan: InsightsPlan(
            weeks: weeks, weekEnds: weeks.map { calendar.end(of: $0).timeIntervalSince1970 }, programs: programs,
            sends: planned, bounds: config.tierBounds, frequencyThreshold: config.thresholds.messagesPerWeek,
            aheadWeekEnds: aheadWeekEnds(after: last, calendar)))
        report.insights = insights
        var windows: [String: Double] = [:]
        for s in eventSends where s.kind != .regular {
            windows[s.id] = s.sentAt.timeIntervalSince1970 + Double(config.responseWindow(for: s.kind)) * 86400
        }
        report.reactivation = try evidence.reactivation(windows: windows, newest: report.newestData.timeIntervalSince1970)
        report.alerts += insightAlerts(insights, report: report, config: config)
        report.sortAlerts()
        return report
    }

    /// The ends of the eight weeks after `last`, which the walk of the insights counts tiers at for the build
    /// cache (`InsightsPlan.aheadWeekEnds`): weekly exports folded onto the cached fold for up to eight weeks
    /// find their weeks counted for the recipients they do not touch.
    static func aheadWeekEnds(after last: ISOWeek, _ calendar: WeekCalendar) -> [Double] {
        var week = last, out: [Double] = []
        for _ in 0..<8 {
            week = calendar.next(week)
            out.append(calendar.end(of: week).timeIntervalSince1970)
        }
        return out
    }

    /// Inactive share per program-week with sends, and recipient-weeks above the frequency threshold.
    static func insightAlerts(_ insights: RecipientInsights, report: Report, config: ReportConfig) -> [Alert] {
        var out: [Alert] = []
        for program in report.programs {
            guard let series = insights.programs[program.slug] else { continue }
            for (i, w) in series.weeks.enumerated() where program.week(w)?.hasSends == true {
                if let share = series.inactiveShare(week: i), let (sev, th) = AlertRules.band(share, config.thresholds.inactiveShare) {
                    let mailable = series.recipients(week: i) - series.count(.suppressed, week: i)
                    out.append(AlertRules.judged(
                        Alert(severity: sev, kind: .inactiveShare, program: program.slug, week: w, value: share, threshold: th),
                        Ratio(series.count(.inactive, week: i), mailable), high: true))
                }
            }
        }
        // Gmail's and Yahoo's two-day rule for opt-outs, per send (`OptOutRule`).
        for s in report.sends {
            if let n = insights.sends[s.id]?.sentAfterOptOut, n > 0 {
                out.append(Alert(severity: .warning, kind: .sentAfterOptOut, program: s.program, week: s.week, campaign: s.id, count: n))
            }
        }
        let over = insights.overThreshold
        if over.recipientWeeks > 0 {
            out.append(Alert(severity: .warning, kind: .frequency, program: "", value: over.unsubscribeRate,
                             threshold: Double(config.thresholds.messagesPerWeek), baseline: Double(over.recipientWeeks)))
        }
        return out
    }

    public static func build(
        config: ReportConfig, rows: [CampaignRow], events: [String: EventSummary],
        newestEventTime: Double? = nil, eventCount: Int = 0
    ) throws -> Report {
        var warnings: [Diagnostic] = []
        let sends = try assemble(config: config, rows: rows, events: events, warnings: &warnings)
        try checkSpan(sends, zone: config.timeZone)
        let calendar = WeekCalendar(timeZone: config.timeZone)

        let newestSend = sends.map(\.sentAt).max()
        let newestEvent = newestEventTime.map { Date(timeIntervalSince1970: $0) }
        let newest = [newestSend, newestEvent].compactMap { $0 }.max() ?? Date(timeIntervalSince1970: 0)

        // A week is provisional while its last send is younger than the response window.
        let window = TimeInterval(config.responseWindowDays * 86400)
        var lastSendOfWeek: [ISOWeek: Date] = [:]
        for s in sends { lastSendOfWeek[s.week] = max(lastSendOfWeek[s.week] ?? s.sentAt, s.sentAt) }
        func provisional(_ w: ISOWeek) -> Bool {
            guard let last = lastSendOfWeek[w] else { return false }
            return last > newest.addingTimeInterval(-window)
        }

        let programOrder = orderPrograms(config: config, sends: sends)
        let lastWeek = sends.map(\.week).max()
        var sendsByProgramWeek: [String: [ISOWeek: [Send]]] = [:]
        for s in sends { sendsByProgramWeek[s.program, default: [:]][s.week, default: []].append(s) }

        var alerts: [Alert] = []
        var programs: [ProgramReport] = []
        for (slug, displayName) in programOrder {
            let byWeek = sendsByProgramWeek[slug] ?? [:]
            guard let first = byWeek.keys.min(), let lastWeek else { continue }
            let pc = config.program(slug)
            let range = calendar.weeks(from: first, through: lastWeek)
            var series: [ProgramWeek] = []
            for (i, w) in range.enumerated() {
                let these = byWeek[w] ?? []
                let totals = Totals(these)
                let window4 = range[max(0, i - 3)...i].flatMap { byWeek[$0] ?? [] }
                let previous4 = range[max(0, i - 4)..<i].flatMap { byWeek[$0] ?? [] }
                var change: [KPI: Estimate] = [:]
                if i > 0, !(byWeek[range[i - 1]] ?? []).isEmpty {
                    let prev = Totals(byWeek[range[i - 1]]!)
                    for kpi in KPI.allCases {
                        if let a = totals.rates[kpi], let b = prev.rates[kpi], let d = a.difference(from: b) { change[kpi] = d }
                    }
                }
                // The usual range: this program's previous weeks with sends, each rate where it is known.
                let earlier = series.filter(\.hasSends)
                var usual: [KPI: UsualRange] = [:]
                for kpi in KPI.allCases {
                    if let r = UsualRange(earlier.compactMap { $0.totals.value(kpi) }) { usual[kpi] = r }
                }
                let pw = ProgramWeek(
                    program: slug, week: w, sendIDs: these.map(\.id), totals: totals, rolling: Totals(window4),
                    baseline: Totals(previous4), change: change, usual: usual, provisional: provisional(w))
                var weekAlerts = AlertRules.programWeekAlerts(pw, goals: pc?.goals ?? [:], thresholds: config.thresholds)
                if these.count == 1 {
                    // One send in the week: its own complaint and bounce alerts already say the same, with a link.
                    weekAlerts.removeAll { $0.kind == .complaintRate || $0.kind == .hardBounceRate }
                }
                alerts += weekAlerts
                series.append(pw)
            }
            let programSends = sends.filter { $0.program == slug }
            for s in programSends { alerts += AlertRules.sendAlerts(s, thresholds: config.thresholds) }
            let froms = Array(Set(programSends.compactMap(\.from).map { $0.lowercased() })).sorted()
            for address in froms where AlertRules.isNoReply(address) {
                alerts.append(Alert(severity: .recommendation, kind: .noReplySender, program: slug, address: address))
            }
            programs.append(ProgramReport(
                slug: slug, name: displayName, goals: pc?.goals ?? [:], series: series,
                sendIDs: programSends.map(\.id), totals: Totals(programSends), fromAddresses: froms))
        }

        let weeks = Set(sends.map(\.week)).sorted().map { w -> WeekReport in
            let these = sends.filter { $0.week == w }
            let present = Set(these.map(\.program))
            return WeekReport(
                week: w, provisional: provisional(w), sendIDs: these.map(\.id), totals: Totals(these),
                programs: programOrder.map(\.slug).filter { present.contains($0) })
        }
        var report = Report(
            config: config, sends: sends, programs: programs, weeks: weeks, alerts: alerts, newestData: newest,
            warnings: warnings, eventCount: eventCount)
        report.sortAlerts()
        return report
    }

    /// A report spans at most `InputLimits.reportYears` years of sends: a longer span is almost surely one wrong
    /// date, and would mean thousands of weeks in every series. The error names both ends and where they are.
    static func checkSpan(_ sends: [Send], zone: TimeZone) throws {
        guard let first = sends.first, let last = sends.last else { return }  // sorted by time
        let years = Double(InputLimits.reportYears)
        guard last.sentAt.timeIntervalSince(first.sentAt) > years * 365.25 * 86400 else { return }
        func at(_ s: Send) -> String {
            "\"\(InputLimits.quoted(s.id))\" on \(ISO8601DateFormatter.string(from: s.sentAt, timeZone: zone, formatOptions: [.withFullDate]))\(s.origin.map { " (\($0))" } ?? "")"
        }
        throw ReportError("the sends span more than \(InputLimits.reportYears) years, from \(at(first)) to \(at(last)): check those dates", at: SourceLocation(file: "data"))
    }

    /// Programs in `report.yml` order, then those only the data names, by slug; each with its display name.
    static func orderPrograms(config: ReportConfig, sends: [Send]) -> [(slug: String, name: String)] {
        var out: [(String, String)] = []
        var seen = Set<String>()
        var dataNames: [String: String] = [:]
        for s in sends where dataNames[s.program] == nil { dataNames[s.program] = s.programLabel }
        for p in config.programs where !seen.contains(p.slug) {
            seen.insert(p.slug)
            out.append((p.slug, p.name ?? dataNames[p.slug] ?? p.slug))
        }
        for slug in Set(sends.map(\.program)).subtracting(seen).sorted() {
            out.append((slug, dataNames[slug] ?? slug))
        }
        return out
    }

    /// Resolves a program given as a slug or a name to a slug, keeping the name for display.
    static func programSlug(_ text: String, config: ReportConfig) -> (slug: String, label: String) {
        if config.program(text) != nil { return (text, text) }
        if let p = config.programs.first(where: { $0.name?.lowercased() == text.lowercased() }) { return (p.slug, text) }
        let slug = Slug.make(text)
        return (slug, Slug.isValid(text) ? slug : text)
    }

    static func assemble(config: ReportConfig, rows: [CampaignRow], events: [String: EventSummary],
                         warnings: inout [Diagnostic]) throws -> [Send] {
        var errors: [ReportError] = []
        var rowByID: [String: CampaignRow] = [:]
        for row in rows {
            if let earlier = rowByID[row.campaign] {
                errors.append(ReportError("campaign \"\(row.campaign)\" appears twice (first at \(earlier.location)): a campaign id names one send", at: row.location))
                continue
            }
            rowByID[row.campaign] = row
        }
        let calendar = WeekCalendar(timeZone: config.timeZone)
        var sends: [Send] = []
        for id in Set(rowByID.keys).union(events.keys).sorted() {
            let row = rowByID[id]
            let ev = events[id]
            var programText = row?.program ?? ev?.program ?? config.programForCampaign(id)
            if programText?.isEmpty == true { programText = nil }
            guard let programText else {
                if let row {
                    errors.append(ReportError("campaign \"\(id)\" has no program", at: SourceLocation(file: row.location.file, line: row.location.line, field: "column \"program\"")))
                } else {
                    errors.append(ReportError("events of campaign \"\(id)\" have no program: add a program column, a campaign results row, or a campaign_programs: pattern in report.yml", at: ev!.location))
                }
                continue
            }
            let (slug, label) = programSlug(programText, config: config)
            var counts: SendCounts
            var sentAt: Date
            let source: CountSource
            if let ev {
                counts = ev.counts
                sentAt = row?.sentAt ?? Date(timeIntervalSince1970: ev.firstSendTime)
                source = .events
                if let row, row.hasCounts { warnings += disagreements(id, row.counts, ev.counts, at: row.location) }
            } else {
                let row = row!
                var missing: [String] = []
                if row.sentAt == nil { missing.append("sent_at") }
                if row.counts.sent == nil { missing.append("sent") }
                guard missing.isEmpty else {
                    errors.append(ReportError("campaign \"\(id)\" has no \(missing.joined(separator: " or ")) and no recipient events to take it from", at: SourceLocation(file: row.location.file, line: row.location.line, field: "column \"\(missing[0])\"")))
                    continue
                }
                counts = row.counts
                sentAt = row.sentAt!
                source = .aggregate
            }
            let noProxy = (counts.uniqueOpens ?? 0) > 0 && counts.machineOpens == nil
            let trackingOff = (counts.delivered ?? 0) > 0 && (counts.uniqueOpens ?? 0) == 0 && (counts.uniqueClicks ?? 0) == 0
            var send = Send(
                id: id, program: slug, name: row?.name, subject: row?.subject, segment: row?.segment,
                kind: row?.kind ?? .regular, from: row?.from, sentAt: sentAt, week: calendar.week(of: sentAt),
                counts: counts, source: source, noProxySignal: noProxy, trackingOff: trackingOff)
            send.programLabel = label
            send.experimentGroup = row?.experimentGroup
            send.test = row?.test
            send.origin = row?.location ?? ev?.location
            sends.append(send)
        }
        if !errors.isEmpty {
            throw ReportErrors(errors.sorted {
                ($0.location?.file ?? "", $0.location?.line ?? 0, $0.message) < ($1.location?.file ?? "", $1.location?.line ?? 0, $1.message)
            })
        }
        return sends.sorted { ($0.sentAt, $0.id) < ($1.sentAt, $1.id) }
    }

    /// Where campaign results and recipient events both give a count and differ by more than 1 %.
    static func disagreements(_ id: String, _ stated: SendCounts, _ derived: SendCounts, at location: SourceLocation) -> [Diagnostic] {
        let fields: [(String, KeyPath<SendCounts, Int?>)] = [
            ("sent", \.sent), ("delivered", \.delivered), ("unique_opens", \.uniqueOpens),
            ("unique_clicks", \.uniqueClicks), ("unsubscribes", \.unsubscribes), ("complaints", \.complaints),
        ]
        var out: [Diagnostic] = []
        for (name, path) in fields {
            guard let a = stated[keyPath: path], let b = derived[keyPath: path] else { continue }
            let base = max(a, b)
            if base > 0, Double(abs(a - b)) / Double(base) > 0.01 {
                out.append(Diagnostic("campaign \"\(id)\": \(name) is \(a) in the campaign results but \(b) from its recipient events (more than 1 % apart); the events are used", at: location))
            }
        }
        return out
    }
}
