import EventFold
import Foundation
import ReportCore

extension AggregateTables {
    /// One aggregate table as read from its file: the cells of each row, kept until every file is read (a
    /// table refers to the sends of another), so each file stays independent for the build cache.
    public struct TableFile: Sendable, Codable {
        public var table: Table
        public var file: String
        public var rows: [Row] = []

        public struct Row: Sendable, Codable {
            public var line: Int
            public var cells: [String]
        }

        public init(table: Table, file: String) {
            self.table = table
            self.file = file
        }
    }

    /// Reads one table's file (its header already matched `table`): every row must have the header's fields.
    static func read(path: String, file: String, table: Table) throws -> TableFile {
        var out = TableFile(table: table, file: file)
        var header = true
        do {
            try CSVReader.read(path: path) { fields, line in
                if header {
                    header = false
                    return
                }
                if fields.count == 1 && fields[0].isEmpty { return }  // a blank line
                guard fields.count == table.columns.count else {
                    throw ReportError("has \(fields.count) fields but the \(table.rawValue) table has \(table.columns.count)", at: SourceLocation(file: file, line: line))
                }
                out.rows.append(TableFile.Row(line: line, cells: fields))
            }
        } catch let failure as CSVReader.Failure {
            throw failure.error(in: file)
        }
        return out
    }

    /// A row's cells by column name, each read by the contract's encoding, with errors at the row's line.
    struct Cells {
        let table: Table
        let file: String
        let row: TableFile.Row

        /// The row's line; messages spell the column out, as in `column "sent": …`.
        func at(_ column: String) -> SourceLocation { SourceLocation(file: file, line: row.line) }

        func text(_ column: String) -> String { row.cells[table.columns.firstIndex(of: column)!] }

        func fail(_ column: String, _ expected: String) -> ReportError {
            ReportError("column \"\(column)\": \"\(InputLimits.quoted(text(column)))\" is not \(expected)", at: at(column))
        }

        func count(_ column: String) throws -> Int {
            guard let n = Int(text(column)), n >= 0 else { throw fail(column, "a whole number of zero or more") }
            return n
        }

        func optionalCount(_ column: String) throws -> Int? { text(column).isEmpty ? nil : try count(column) }

        func time(_ column: String) throws -> Double {
            guard let t = Double(text(column)), t.isFinite else { throw fail(column, "a time in Unix seconds") }
            return t
        }

        func bool(_ column: String) throws -> Bool {
            switch text(column) {
            case "true": return true
            case "false": return false
            default: throw fail(column, "true or false")
            }
        }

        func week(_ column: String) throws -> ISOWeek {
            guard let w = ISOWeek(text(column)) else { throw fail(column, "an ISO week like 2026-W05") }
            return w
        }

        func key<T>(_ column: String, _ cases: [T], _ key: (T) -> String) throws -> T {
            guard let v = cases.first(where: { key($0) == text(column) }) else {
                throw fail(column, "one of " + cases.map(key).joined(separator: ", "))
            }
            return v
        }

        func nonEmpty(_ column: String) throws -> String {
            guard !text(column).isEmpty else { throw ReportError("column \"\(column)\" is empty", at: at(column)) }
            return text(column)
        }

        func counts() throws -> SendCounts {
            var c = SendCounts()
            for (name, path) in AggregateTables.countColumns { c[keyPath: path] = try optionalCount(name) }
            return c
        }

        func tally() throws -> MessageTally {
            var t = MessageTally()
            for (name, path) in AggregateTables.tallyColumns { t[keyPath: path] = try count(name) }
            return t
        }
    }

    /// The aggregates of a project from its table files, or nil when it has none. Every table must be there
    /// once, of this contract's version, and every row must name a send of `send_counts`.
    public static func assemble(_ files: [TableFile]) throws -> RecipientAggregates? {
        guard !files.isEmpty else { return nil }
        var byTable: [Table: TableFile] = [:]
        for f in files.sorted(by: { $0.file < $1.file }) {
            if let other = byTable[f.table] {
                throw ReportError("is a second \(f.table.rawValue) table (the first is \(other.file)): a project holds one set of aggregate tables", at: SourceLocation(file: f.file))
            }
            byTable[f.table] = f
        }
        let folder = (byTable[.manifest]?.file ?? files[0].file).split(separator: "/").dropLast().joined(separator: "/")
        let missing = Table.allCases.filter { byTable[$0] == nil }
        guard missing.isEmpty else {
            throw ReportError("the aggregate tables are incomplete: \(missing.map(\.fileName).joined(separator: ", ")) \(missing.count == 1 ? "is" : "are") missing (docs/aggregates.md lists every table)", at: SourceLocation(file: folder))
        }
        func rows(_ t: Table) -> [Cells] { byTable[t]!.rows.map { Cells(table: t, file: byTable[t]!.file, row: $0) } }

        guard let manifest = rows(.manifest).first, rows(.manifest).count == 1 else {
            throw ReportError("must have exactly one row", at: SourceLocation(file: byTable[.manifest]!.file))
        }
        let version = try manifest.count("contract_version")
        guard version == contractVersion else {
            throw ReportError("the aggregates are of contract version \(version); this inbox-report reads version \(contractVersion): compute them again", at: manifest.at("contract_version"))
        }
        var a = RecipientAggregates(eventCount: try manifest.count("event_count"),
                                    newestTime: manifest.text("newest_event_at").isEmpty ? nil : try manifest.time("newest_event_at"))
        a.folder = folder
        guard try manifest.count("late_engager_days") == ReactivationResult.lateDays else {
            throw manifest.fail("late_engager_days", "\(ReactivationResult.lateDays), the days this inbox-report counts late engagers over")
        }

        for r in rows(.sendCounts) {
            let id = try r.nonEmpty("campaign")
            guard a.sends[id] == nil else { throw ReportError("the send \"\(InputLimits.quoted(id))\" is here twice", at: r.at("campaign")) }
            a.sends[id] = RecipientAggregates.SendSummary(
                counts: try r.counts(), program: r.text("program").isEmpty ? nil : r.text("program"),
                firstSendTime: try r.time("first_send_at"), hasMachineSignal: try r.bool("has_machine_signal"),
                location: SourceLocation(file: r.file, line: r.row.line))
        }
        func send(_ r: Cells) throws -> String {
            let id = r.text("campaign")
            guard a.sends[id] != nil else {
                throw ReportError("the send \"\(InputLimits.quoted(id))\" is not in \(Table.sendCounts.fileName)", at: r.at("campaign"))
            }
            return id
        }

        if !manifest.text("first_week").isEmpty {
            a.insights = try insights(manifest, rows: rows, send: send)
        } else if let r = rows(.sendInsights).first {
            throw ReportError("the manifest gives no weeks (first_week, last_week), so per-send details cannot be read", at: r.at("campaign"))
        }

        for r in rows(.reactivation) {
            let id = try send(r)
            a.reactivation[id] = RecipientAggregates.Outcomes(
                windowEnd: try r.time("window_end"), messages: try r.tally(),
                outcomes: try Outcome.allCases.map { try r.count("outcome_" + $0.key) }, lateEngagers: try r.count("late_engagers"))
        }

        var tallies: [String: [Int: CohortTally]] = [:]
        for r in rows(.experimentCohorts) {
            var k = CohortTally()
            k.recipients = try r.count("recipients")
            k.messages = try r.tally()
            k.clicks = CohortTally.PerRecipient(sum: try r.count("clicks_sum"), sumOfSquares: try r.count("clicks_sum_of_squares"))
            k.humanOpens = CohortTally.PerRecipient(sum: try r.count("human_opens_sum"), sumOfSquares: try r.count("human_opens_sum_of_squares"))
            k.unsubscribed = try r.count("unsubscribed_recipients")
            k.complained = try r.count("complained_recipients")
            k.hardBounced = try r.count("hard_bounced_recipients")
            k.lost = try r.count("lost_recipients")
            k.alsoInAnother = try r.count("also_in_another")
            tallies[try r.nonEmpty("experiment"), default: [:]][try r.count("cohort")] = k
        }
        for (slug, byIndex) in tallies {
            let n = byIndex.count
            guard byIndex.keys.sorted() == Array(0..<n) else {
                throw ReportError("the cohorts of the experiment \(slug) are not numbered 0 to \(n - 1)", at: SourceLocation(file: byTable[.experimentCohorts]!.file))
            }
            a.experiments[slug] = RecipientAggregates.Cohorts(cohortOf: [:], tallies: (0..<n).map { byIndex[$0]! })
        }
        for r in rows(.cohortSends) {
            let slug = r.text("experiment"), id = try send(r), cohort = try r.count("cohort")
            guard let c = a.experiments[slug], cohort < c.tallies.count else {
                throw ReportError("the experiment \(slug) has no cohort \(cohort) in \(Table.experimentCohorts.fileName)", at: r.at("cohort"))
            }
            a.experiments[slug]!.cohortOf[id] = cohort
        }
        return a
    }

    /// The walks' results, from the tables that depend on the plan.
    private static func insights(_ manifest: Cells, rows: (Table) -> [Cells], send: (Cells) throws -> String) throws -> RecipientAggregates.PlannedInsights {
        guard let zone = TimeZone(identifier: manifest.text("time_zone")) else { throw manifest.fail("time_zone", "a time zone like Europe/Stockholm") }
        let calendar = WeekCalendar(timeZone: zone)
        let first = try manifest.week("first_week"), last = try manifest.week("last_week")
        guard first <= last else { throw manifest.fail("last_week", "a week from first_week on") }
        let weeks = calendar.weeks(from: first, through: last)
        var bounds = TierBounds()
        bounds.active = try manifest.count("tier_active_days")
        bounds.warm = try manifest.count("tier_warm_days")
        bounds.cooling = try manifest.count("tier_cooling_days")
        bounds.atRisk = try manifest.count("tier_at_risk_days")
        bounds.newDays = try manifest.count("tier_new_days")
        let weekIndex = Dictionary(uniqueKeysWithValues: weeks.enumerated().map { ($1, $0) })
        func week(_ r: Cells) throws -> Int {
            let w = try r.week("week")
            guard let i = weekIndex[w] else { throw r.fail("week", "a week from \(first) to \(last) (the manifest's weeks)") }
            return i
        }

        var planned: [String: RecipientAggregates.Plan.PlannedSend] = [:]
        var details: [String: SendDetail] = [:]
        for r in rows(.sendInsights) {
            let id = try send(r)
            guard planned[id] == nil else { throw ReportError("the send \"\(InputLimits.quoted(id))\" is here twice", at: r.at("campaign")) }
            planned[id] = .init(sentAt: try r.time("sent_at"), program: try r.nonEmpty("program"), week: weeks[try week(r)])
            var detail = SendDetail()
            detail.sentAfterOptOut = try r.count("sent_after_opt_out")
            details[id] = detail
        }
        func detail(_ r: Cells) throws -> String {
            let id = try send(r)
            guard details[id] != nil else {
                throw ReportError("the send \"\(InputLimits.quoted(id))\" is not in \(Table.sendInsights.fileName)", at: r.at("campaign"))
            }
            return id
        }
        for r in rows(.sendProviders) {
            details[try detail(r)]!.providers[try r.key("provider", MailboxProvider.allCases, \.key)] = try r.counts()
        }
        for r in rows(.sendHours) {
            let id = try detail(r), h = try r.count("hour")
            guard h < SendDetail.hours else { throw r.fail("hour", "an hour from 0 to \(SendDetail.hours - 1)") }
            details[id]!.opensByHour[h] = try r.count("first_opens")
            details[id]!.clicksByHour[h] = try r.count("first_clicks")
        }
        for r in rows(.sendLinks) {
            let id = try detail(r), rank = try r.count("rank")
            guard rank == details[id]!.topLinks.count + 1 else { throw r.fail("rank", "\(details[id]!.topLinks.count + 1), the next rank of this send's links") }
            details[id]!.topLinks.append(LinkClicks(url: r.text("url"), clickers: try r.count("clickers")))
        }

        let plan = RecipientAggregates.Plan(
            weeks: weeks, weekEnds: weeks.map { calendar.end(of: $0).timeIntervalSince1970 }, sends: planned, bounds: bounds,
            frequencyThreshold: try manifest.count("messages_per_week_threshold"))
        let programs = plan.programs
        func empty() -> TierSeries {
            TierSeries(weeks: weeks, counts: weeks.map { _ in Tier.allCases.map { _ in 0 } }, messages: Tier.allCases.map { _ in MessageTally() })
        }
        var sender = empty()
        var series = Dictionary(uniqueKeysWithValues: programs.map { ($0, empty()) })
        func scoped(_ r: Cells, _ body: (inout TierSeries) throws -> Void) throws {
            switch r.text("scope") {
            case "sender":
                guard r.text("program").isEmpty else { throw r.fail("program", "empty for the scope sender") }
                try body(&sender)
            case "program":
                guard series[r.text("program")] != nil else { throw r.fail("program", "a program of \(Table.sendInsights.fileName)") }
                try body(&series[r.text("program")]!)
            default: throw r.fail("scope", "sender or program")
            }
        }
        for r in rows(.tierCounts) {
            let w = try week(r), tier = try r.key("tier", Tier.allCases, \.key), n = try r.count("recipients")
            try scoped(r) { $0.counts[w][tier.rawValue] = n }
        }
        for r in rows(.tierMessages) {
            let tier = try r.key("tier", Tier.allCases, \.key), t = try r.tally()
            try scoped(r) { $0.messages[tier.rawValue] = t }
        }
        var frequency = FrequencyBucket.weekly()
        var over = FrequencyBucket(messagesPerWeek: plan.frequencyThreshold + 1)
        for r in rows(.frequency) {
            var b = FrequencyBucket(messagesPerWeek: 0)
            b.recipientWeeks = try r.count("recipient_weeks")
            b.messages = try r.tally()
            if r.text("bucket") == overThreshold {
                b.messagesPerWeek = over.messagesPerWeek
                over = b
            } else if let i = frequencyBuckets.firstIndex(of: r.text("bucket")) {
                b.messagesPerWeek = i + 1
                frequency[i] = b
            } else {
                throw r.fail("bucket", "one of " + (frequencyBuckets + [overThreshold]).joined(separator: ", "))
            }
        }
        var reasons: [BounceReasonCount] = []
        for r in rows(.bounceReasons) {
            reasons.append(BounceReasonCount(
                week: weeks[try week(r)], provider: try r.key("provider", MailboxProvider.allCases, \.key),
                kind: try r.key("kind", BounceReasonCount.Kind.allCases, \.rawValue),
                reason: r.text("reason").isEmpty ? nil : try r.key("reason", BounceReason.allCases, \.key), messages: try r.count("messages")))
        }
        // The fold's order: week, provider, kind, reason (none given first).
        reasons.sort { a, b in
            (a.week, a.provider.rawValue, a.kind == .bounce ? 0 : 1, a.reason.map { Int($0.rawValue) } ?? 0)
                < (b.week, b.provider.rawValue, b.kind == .bounce ? 0 : 1, b.reason.map { Int($0.rawValue) } ?? 0)
        }
        var insights = RecipientInsights(sender: sender, programs: series, frequency: frequency, overThreshold: over, sends: details)
        insights.bounceReasons = reasons
        return RecipientAggregates.PlannedInsights(plan: plan, insights: insights)
    }
}
