import Foundation
import Testing
@testable import Reading
import ReportCore
import TestSupport

/// inputs.md: reading a project's files, with errors that name file, line and field.
@Suite struct ProjectReaderTests {
    static let yml = "title: Test\ntimezone: Europe/Stockholm\n"

    func read(_ files: [String: String], lenient: Bool = false) throws -> (ProjectInput, [RecipientEvent]) {
        let project = try TestProject(files: files.merging(["report.yml": Self.yml]) { mine, _ in mine })
        var events: [RecipientEvent] = []
        let input = try ProjectReader(root: project.root, options: ReadOptions(lenient: lenient)).read { e, _ in events.append(e) }
        return (input, events)
    }

    func errors(_ files: [String: String], lenient: Bool = false) -> [String] {
        do {
            _ = try read(files, lenient: lenient)
            return []
        } catch let e as ReportErrors {
            return e.errors.map(\.description)
        } catch {
            return ["\(error)"]
        }
    }

    @Test func campaignResultsAsCSVJSONLinesAndJSONArray() throws {
        let csv = "Campaign,Program,Sent At,Sent,Delivered,Unique Opens,Machine Opens,Unique Clicks\nnl-1,newsletter,2026-11-17T09:00:00+01:00,1000,990,400,150,40\n"
        let jsonl = #"{"campaign": "nl-2", "program": "newsletter", "sent_at": "2026-11-24", "sent": 1000, "hard_bounces": 7, "soft_bounces": 3}"# + "\n"
        let array = #"[{"campaign": "p-1", "program": "Promotions", "sent_at": 1795500000, "sent": 50, "bounces": 2, "kind": "win-back"}]"#
        let (input, _) = try read(["data/a.csv": csv, "data/b.jsonl": jsonl, "data/c.json": array])
        let rows = Dictionary(uniqueKeysWithValues: input.campaignRows.map { ($0.campaign, $0) })
        #expect(rows["nl-1"]?.counts == SendCounts(sent: 1000, delivered: 990, uniqueOpens: 400, machineOpens: 150, uniqueClicks: 40))
        #expect(rows["nl-1"]?.sentAt == Date(timeIntervalSince1970: 1_794_902_400))
        // delivered missing: sent − hard − soft.
        #expect(rows["nl-2"]?.counts.delivered == 990)
        // A single `bounces` column counts as hard bounces; `win-back` normalises to winback.
        #expect(rows["p-1"]?.counts.hardBounces == 2)
        #expect(rows["p-1"]?.counts.delivered == 48)
        #expect(rows["p-1"]?.kind == .winback)
        #expect(input.dataFiles == ["data/a.csv", "data/b.jsonl", "data/c.json"])
    }

    @Test func columnMappingFromReportYML() throws {
        let yml = """
            inputs:
              - path: "data/esp/*.csv"
                format: campaigns
                columns: { "Emails Sent": sent, "Abuse Complaints": complaints, "Send Date": sent_at, "List": program }
            """
        let csv = "Campaign,List,Send Date,Emails Sent,Abuse Complaints,Something Else\nx,newsletter,2026-11-17,500,2,zzz\n"
        let (input, _) = try read(["report.yml": yml, "data/esp/export.csv": csv])
        #expect(input.campaignRows.first?.counts.sent == 500)
        #expect(input.campaignRows.first?.counts.complaints == 2)
        #expect(input.unknownColumns["data/esp/export.csv"] == ["Something Else"])
    }

    @Test func recipientEventsAsCSVAndJSONLinesNormalisingAddresses() throws {
        let csv = "time,campaign,recipient,event,bounce_type,machine,url\n2026-11-17T09:00:00Z, c1 , Ann@Example.ORG ,sent,,,\n1795424400,c1,ann@example.org,open,,true,\n1795424401.5,c1,ID-42,bounce,soft,,\n"
        let jsonl = #"{"time": "2026-11-17T10:00:00+01:00", "campaign": "c1", "recipient": "bo@example.org", "event": "click", "url": "https://x.example/"}"# + "\n"
        let (input, events) = try read(["data/e.csv": csv, "data/e.jsonl": jsonl])
        #expect(input.eventRows == 4)
        #expect(events[0].recipient == "ann@example.org")
        #expect(events[0].campaign == "c1")
        #expect(events[1].machine == true)
        #expect(events[2].recipient == "ID-42")   // an opaque id keeps its case
        #expect(events[2].bounceType == .soft)
        #expect(events[2].time == 1_795_424_401.5)
        #expect(events[3].type == .click)
        #expect(events[3].url == "https://x.example/")
        #expect(events[3].time == 1_794_906_000)
    }

    /// The field rules (EventFields) are the same on the byte path (CSV) and the ordinary one (JSON Lines):
    /// bounce types, machine flags, and opens classified by `user_agent` and `ip` where `machine` is empty.
    @Test func bothReadingPathsApplyTheSameFieldRules() throws {
        let rows: [[String: String]] = [
            ["event": "bounce", "bounce_type": "Undetermined"],
            ["event": "bounce"],
            ["event": "open", "machine": "YES"],
            ["event": "open", "machine": "0"],
            ["event": "open", "user_agent": "Mozilla/5.0"],
            ["event": "open", "ip": "17.58.1.2"],
            ["event": "open", "user_agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36", "ip": "198.51.100.1"],
            ["event": "open"],
        ]
        let columns = ["time", "campaign", "recipient", "event", "bounce_type", "machine", "user_agent", "ip"]
        var csv = columns.joined(separator: ",") + "\n", jsonl = ""
        for (i, r) in rows.enumerated() {
            var row = r
            row["time"] = "1794906000"; row["campaign"] = "c"; row["recipient"] = "r\(i)@x.example"
            csv += columns.map { row[$0].map { "\"\($0)\"" } ?? "" }.joined(separator: ",") + "\n"
            jsonl += "{" + columns.compactMap { k in row[k].map { "\"\(k)\": \"\($0)\"" } }.joined(separator: ", ") + "}\n"
        }
        let (_, fromCSV) = try read(["data/e.csv": csv])
        let (_, fromJSON) = try read(["data/e.jsonl": jsonl])
        #expect(fromCSV == fromJSON)
        #expect(fromCSV.map(\.bounceType) == [.undetermined, .hard, nil, nil, nil, nil, nil, nil])
        #expect(fromCSV.map(\.machine) == [nil, nil, true, false, true, true, false, nil])
    }

    @Test func notWholeNumberNamesFileLineAndColumn() {
        let csv = "campaign,program,sent_at,sent\na,nl,2026-11-17,100\nb,nl,2026-11-17,12o4\n"
        #expect(errors(["data/week47.csv": csv]) == [#"data/week47.csv:3: column "sent": "12o4" is not a whole number"#])
    }

    @Test func eachRowErrorIsNamed() {
        let csv = """
            time,campaign,recipient,event,bounce_type,machine
            yesterday,c,a@x.example,sent,,
            2026-11-17T09:00:00Z,c,a@x.example,opened,,
            2026-11-17T09:00:00Z,c,a@x.example,bounce,permanent,
            2026-11-17T09:00:00Z,c,a@x.example,open,,maybe
            2026-11-17T09:00:00Z,,a@x.example,sent,,

            """
        let found = errors(["data/events.csv": csv])
        #expect(found.count == 5)
        #expect(found[0] == #"data/events.csv:2: column "time": "yesterday" is not an ISO 8601 date-time or Unix time (10 digits seconds, 13 milliseconds, 16 microseconds)"#)
        #expect(found[1].hasPrefix(#"data/events.csv:3: column "event": "opened" is not an event type (sent, delivered, bounce"#))
        #expect(found[2] == #"data/events.csv:4: column "bounce_type": "permanent" is not hard, soft or undetermined"#)
        #expect(found[3] == #"data/events.csv:5: column "machine": "maybe" is not true, false or empty"#)
        #expect(found[4] == #"data/events.csv:6: column "campaign": is missing"#)
    }

    @Test func contradictingCountsAreErrorsUnlessLenient() throws {
        let csv = "campaign,program,sent_at,sent,delivered,unique_opens\na,nl,2026-11-17,100,120,10\nb,nl,2026-11-17,100,90,95\n"
        #expect(errors(["data/r.csv": csv]) == [
            #"data/r.csv:2: column "delivered": delivered (120) is more than sent (100)"#,
            #"data/r.csv:3: column "unique_opens": unique_opens (95) is more than delivered (90)"#,
        ])
        let (input, _) = try read(["data/r.csv": csv], lenient: true)
        #expect(input.campaignRows.count == 2)
        #expect(input.warnings.count == 2)
    }

    @Test func lenientSkipsUnreadableRowsAndSaysHowMany() throws {
        let csv = "campaign,program,sent_at,sent\na,nl,2026-11-17,100\nb,nl,2026-11-17,lots\nc,nl,someday,5\n"
        let (input, _) = try read(["data/r.csv": csv], lenient: true)
        #expect(input.campaignRows.map(\.campaign) == ["a"])
        #expect(input.skippedRows == 2)
        #expect(input.warnings.map(\.description) == ["data/r.csv: skipped 2 unreadable rows (--lenient)"])
    }

    @Test func aFileThatMatchesNoFormatIsAnErrorNotSkipped() {
        let found = errors(["data/notes.csv": "hello,world\n1,2\n"])
        #expect(found.count == 1)
        #expect(found[0].hasPrefix("data/notes.csv:1: matches no input format"))
        #expect(errors(["data/empty.json": ""]).first?.hasPrefix("data/empty.json: matches no input format") == true)
        #expect(errors(["data/bad.json": "[{\"campaign\": \"a\"},"]).first == "data/bad.json:1: the JSON array is not closed (missing ']')")
    }

    @Test func tooManyFieldsInARowIsAnError() {
        #expect(errors(["data/r.csv": "campaign,program\na,nl,extra\n"]) == ["data/r.csv:2: has 3 fields but the header has 2"])
    }

    @Test func notesAreReadByWeekProgramAndCampaign() throws {
        let (input, _) = try read([
            "notes/weeks/2026-W47.md": "# W47", "notes/programs/newsletter.md": "nl", "notes/campaigns/nl-1.md": "c",
        ])
        #expect(input.notes.weeks[ISOWeek(year: 2026, week: 47)] == "# W47")
        #expect(input.notes.programs["newsletter"] == "nl")
        #expect(input.notes.campaigns["nl-1"] == "c")
        #expect(errors(["notes/weeks/last-week.md": "x"]) == ["notes/weeks/last-week.md: a week note is named after its ISO week, like 2026-W47.md"])
    }

    @Test func inputFilesAreNeverModified() throws {
        let csv = "campaign,program,sent_at,sent\na,nl,2026-11-17,100\n"
        let project = try TestProject(files: ["report.yml": Self.yml, "data/r.csv": csv])
        let path = project.root.appending(path: "data/r.csv").path
        let before = try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date
        _ = try ProjectReader(root: project.root).read { _, _ in }
        #expect(project.read("data/r.csv") == csv)
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date == before)
    }
}

/// inputs.md §4: report.yml.
@Suite struct ConfigTests {
    @Test func everyKeyOfTheExample() throws {
        let c = try ConfigLoader.parse("""
            title: Acme — deliverability
            language: sv
            timezone: Europe/Stockholm
            base_url: https://reports.example/acme/
            programs:
              newsletter:
                name: Weekly newsletter
                goals: { human_open_rate: 0.25, click_rate: 3% }
              promotions:
            thresholds:
              complaint_rate: { warning: 0.001, critical: 0.003 }
              unsubscribe_spike: { warning: 3 }
            reactivation:
              response_window_days: 10
              winback_response_window_days: 21
            campaign_programs:
              "nl-*": newsletter
            inputs:
              - path: "data/sendgrid/**"
                format: sendgrid
                campaign_field: campaign_id
            """)
        #expect(c.title == "Acme — deliverability")
        #expect(c.language == "sv")
        #expect(c.timeZone.identifier == "Europe/Stockholm")
        #expect(c.programs.map(\.slug) == ["newsletter", "promotions"])
        #expect(c.program("newsletter")?.goals == [.humanOpenRate: 0.25, .clickRate: 0.03])
        #expect(c.thresholds.unsubscribeSpike == 3)
        #expect(c.responseWindow(for: .reactivation) == 10)
        #expect(c.responseWindow(for: .winback) == 21)
        #expect(c.programForCampaign("nl-2026w47") == "newsletter")
        #expect(c.inputRule(for: "data/sendgrid/2026/11/a.json")?.campaignField == "campaign_id")
        #expect(c.inputRule(for: "data/other.json") == nil)
    }

    /// The fixed low-volume cut gave way to each rate's interval; a project that still sets it is told so, at
    /// its line, rather than having the setting silently do nothing.
    @Test func theRetiredLowVolumeSettingIsAClearError() throws {
        do {
            _ = try ConfigLoader.parse("title: x\nthresholds:\n  low_volume_delivered: 500\n")
            Issue.record("no error")
        } catch let e as ReportError {
            #expect(e.location?.line == 3)
            #expect(e.message.contains("no longer used") && e.message.contains("95 % interval"))
        }
    }

    @Test func experimentsAsWritten() throws {
        let c = try ConfigLoader.parse("""
            experiments:
              freq:
                type: frequency
                program: promotions
                from: 2026-W38
                through: 2026-W43
                control: once
                cohorts:
                  once: { campaigns: "promo-once-*" }
                  twice: { segment: Twice a week }
              subj:
                type: subject_line
                variants: [a, b]
                metric: click_rate
            """)
        #expect(c.experiments.map(\.slug) == ["freq", "subj"])
        guard case .frequency(let f) = c.experiments[0].kind, case .subjectLine(let s) = c.experiments[1].kind else {
            Issue.record("wrong kinds"); return
        }
        #expect(f.cohorts.map(\.rule) == [.campaigns(["promo-once-*"]), .segment("Twice a week")])
        #expect(f.control == "once" && f.from == ISOWeek(year: 2026, week: 38))
        #expect(s.variants == .campaigns(["a", "b"]) && s.metric == .clickRate)
        #expect(c.experiments[0].location.line == 2)
    }

    /// Each bad experiment is an error naming its key and line in report.yml.
    @Test(arguments: [
        ("cohorts: []", 8, "names no cohort"),
        ("cohorts: [once]", 8, "names one cohort (once)"),
        ("cohorts:\n      once: { campaigns: \"p-*\" }\n      twice: { campaigns: \"p-*\" }", 10, "overlap"),
        ("cohorts:\n      once: { campaigns: \"p-*\" }\n      twice: { campaigns: \"p-7\" }", 10, "overlap"),
        ("cohorts: [twice, thrice]", 7, "\"once\" is not one of the cohorts (twice, thrice)"),
    ] as [(String, Int, String)])
    func badFrequencyTests(cohorts: String, line: Int, says: String) throws {
        let text = "title: x\nexperiments:\n  freq:\n    type: frequency\n    from: 2026-W38\n    through: 2026-W43\n    control: once\n    \(cohorts)\n"
        do {
            _ = try ConfigLoader.parse(text)
            Issue.record("no error for \(cohorts)")
        } catch let e as ReportError {
            #expect(e.location?.file == "report.yml")
            #expect(e.location?.line == line, "\(e)")
            #expect(e.message.contains(says), "\(e.message)")
        }
    }

    @Test(arguments: [
        ("    type: frequency\n    from: 2026-W38\n    through: 2026-W43\n    cohorts: [a, b]\n", 3, "needs a control"),
        ("    type: frequency\n    from: 2026-W38\n    through: 2026-W43\n    control: a\n", 3, "names no cohorts"),
        ("    type: frequency\n    from: 2026-W60\n", 5, "is not an ISO week"),
        ("    type: subject_line\n    variants: [a]\n", 5, "names one variant"),
        ("    type: subject_line\n    variants: [a, b]\n    test: t\n", 6, "not both"),
        ("    type: subject_line\n", 3, "names no variants"),
        ("    type: subject_line\n    test: t\n    control: a\n", 6, "does not apply to a subject-line test"),
        ("    type: split\n", 4, "is not one of frequency, subject_line"),
    ] as [(String, Int, String)])
    func badExperimentKeys(body: String, line: Int, says: String) throws {
        do {
            _ = try ConfigLoader.parse("title: x\nexperiments:\n  e1:\n" + body)
            Issue.record("no error for \(body)")
        } catch let e as ReportError {
            #expect(e.location?.line == line, "\(e)")
            #expect(e.message.contains(says), "\(e.message)")
        }
    }

    @Test func unknownKeyIsAnErrorWithItsLine() {
        #expect(throws: ReportError("unknown key \"treshold\" in report.yml (known: title, language, timezone, base_url, trusted_notes, programs, thresholds, reactivation, campaign_programs, inputs, tiers, experiments)", at: SourceLocation(file: "report.yml", line: 3))) {
            try ConfigLoader.parse("title: x\ntimezone: UTC\ntreshold: 3\n")
        }
        #expect(throws: ReportError.self) { try ConfigLoader.parse("programs:\n  nl:\n    goals: { open_rat: 0.2 }\n") }
    }

    @Test func badValuesNameTheKeyAndLine() {
        let e = #expect(throws: ReportError.self) { try ConfigLoader.parse("title: x\ntimezone: Mars/Olympus\n") }
        #expect(e?.description == #"report.yml:2: timezone: "Mars/Olympus" is not a time zone (use an IANA name such as Europe/Stockholm)"#)
        let g = #expect(throws: ReportError.self) { try ConfigLoader.parse("programs:\n  nl:\n    goals: { click_rate: 3 }\n") }
        #expect(g?.location?.line == 3)
        let y = #expect(throws: ReportError.self) { try ConfigLoader.parse("title: [unclosed\n") }
        #expect(y?.description.hasPrefix("report.yml:") == true)
    }

    @Test func globs() {
        #expect(Glob.matches("data/**", "data/a/b/c.json"))
        #expect(Glob.matches("data/**/*.csv", "data/x.csv"))
        #expect(Glob.matches("data/*.csv", "data/x.csv"))
        #expect(!Glob.matches("data/*.csv", "data/sub/x.csv"))
        #expect(Glob.matches("nl-?", "nl-1"))
        #expect(!Glob.matches("nl-*", "promo-1"))
    }
}
