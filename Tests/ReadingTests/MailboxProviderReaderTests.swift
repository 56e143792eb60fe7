import Foundation
import Testing
@testable import Reading
import ReportCore
import TestSupport

/// inputs.md, *Mailbox-provider data*: Gmail Postmaster Tools responses (v2 query and batch, with and without
/// their saved requests; compliance status; v1 traffic stats) and Microsoft SNDS exports. Fixtures in
/// Tests/Fixtures/mailbox-providers are written from Google's and Microsoft's documented shapes.
@Suite struct MailboxProviderReaderTests {
    /// Reads fixtures (copied under data/ with the given names) and resolves their metric names.
    func read(_ files: [String: String], extra: [String: String] = [:], yml: String = "timezone: UTC\n") throws -> (MailboxProviderData, [Diagnostic]) {
        let project = try TestProject(files: ["report.yml": yml].merging(extra) { a, _ in a })
        for (target, source) in files {
            try FileManager.default.createDirectory(at: project.root.appending(path: target).deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: PackagePaths.root().appending(path: "Tests/Fixtures/mailbox-providers/\(source)").path,
                                             toPath: project.root.appending(path: target).path)
        }
        let input = try ProjectReader(root: project.root).read { _, _ in }
        return try input.mailbox.resolved()
    }

    func errors(_ files: [String: String]) throws -> [ReportError] {
        let project = try TestProject(files: files.merging(["report.yml": "timezone: UTC\n"]) { a, _ in a })
        do {
            let input = try ProjectReader(root: project.root).read { _, _ in }
            _ = try input.mailbox.resolved()
            return []
        } catch let e as ReportErrors {
            return e.errors
        } catch let e as ReportError {
            return [e]
        }
    }

    @Test func queryResponseMappedThroughItsSavedRequest() throws {
        let (data, warnings) = try read(["data/gmail/2026-10.json": "postmaster-query.json", "data/gmail/2026-10.request.json": "postmaster-query.request.json"])
        #expect(warnings.isEmpty)
        let byMetric = Dictionary(grouping: data.postmaster, by: \.metric)
        #expect(byMetric["SPAM_RATE"]?.map(\.value) == [0.0012, 0.0034])
        #expect(byMetric["SPAM_RATE"]?.map(\.day.description) == ["2026-10-05", "2026-10-06"])
        #expect(byMetric["AUTH_SUCCESS_RATE:dkim"]?.first?.value == 0.998)
        #expect(byMetric["TLS_ENCRYPTION_RATE:inbound"]?.first?.value == 1.0)
        #expect(byMetric["DELIVERY_ERROR_RATE:rate_limit_exceeded"]?.first?.value == 0.004)
        #expect(byMetric["FEEDBACK_LOOP_ID"]?.first?.text == "promo,digest")
        #expect(byMetric["DELIVERY_ERROR_COUNT"]?.first?.value == 12)  // intValue is an int64 in a string
        #expect(Set(data.postmaster.map(\.domain)) == ["news.example.com"])
    }

    @Test func withoutARequestStandardNamesCountAndOthersAreReportedOnce() throws {
        let (data, warnings) = try read(["data/gmail/oct.json": "postmaster-standard-names.json"])
        #expect(data.postmaster.map(\.metric) == ["SPAM_RATE"])
        #expect(warnings.count == 1)
        #expect(warnings[0].message.contains("2 values of the metric \"my_custom_name\""))
        #expect(warnings[0].message.contains("data/gmail/oct.request.json"))
    }

    @Test func aResponseWithoutItsRequestLeavesNamesUnmapped() throws {
        // The request of another response does not map this one.
        let (data, warnings) = try read(["data/gmail/a.json": "postmaster-query.json", "data/gmail/b.request.json": "postmaster-query.request.json"])
        #expect(data.postmaster.isEmpty)
        #expect(warnings.count == 6)
    }

    @Test func batchResultsMapThroughTheirOwnRequest() throws {
        let (data, warnings) = try read(["data/gmail/batch.json": "postmaster-batch.json", "data/gmail/batch.request.json": "postmaster-batch.request.json"])
        #expect(warnings.isEmpty)
        #expect(data.postmaster.map { "\($0.domain) \($0.metric) \($0.value!)" } == [
            "a.example.com SPAM_RATE 0.001", "b.example.com FEEDBACK_LOOP_SPAM_RATE:promo 0.002",
        ])
    }

    @Test func complianceStatusWithVerdicts() throws {
        let (data, _) = try read(["data/gmail/compliance.json": "compliance.json"])
        #expect(data.compliance.count == 10)
        #expect(data.compliance.filter { !$0.isCompliant }.map(\.requirement) == ["HONOR_UNSUBSCRIBE", "USER_REPORTED_SPAM_RATE"])
        #expect(data.compliance.first { $0.requirement == "HONOR_UNSUBSCRIBE" }?.reason == "NOT_HONORED")
        #expect(Set(data.compliance.map(\.domain)) == ["news.example.com"])
    }

    @Test func version1TrafficStatsUnderStandardNames() throws {
        let (data, warnings) = try read(["data/gmail/archive-2025.json": "traffic-stats-v1.json"])
        #expect(warnings.isEmpty)
        let m = Dictionary(uniqueKeysWithValues: data.postmaster.map { ($0.metric, $0) })
        #expect(m["SPAM_RATE"]?.value == 0.0021)
        #expect(m["SPAM_RATE"]?.day.description == "2025-03-01")
        #expect(m["AUTH_SUCCESS_RATE:dmarc"]?.value == 0.98)
        #expect(m["TLS_ENCRYPTION_RATE:outbound"]?.value == 0.97)
        #expect(m["DELIVERY_ERROR_RATE:rate_limit_exceeded"]?.value == 0.012)
        #expect(m["FEEDBACK_LOOP_SPAM_RATE:promo"]?.value == 0.004)
        #expect(m["DOMAIN_REPUTATION"]?.text == "MEDIUM")
    }

    @Test func sndsRowsWithBothComplaintForms() throws {
        let (data, _) = try read(["data/snds/october.csv": "snds.csv"])
        #expect(data.snds.count == 3)
        let first = data.snds[0]
        #expect(first.ip == "192.0.2.10")
        #expect(first.day.description == "2026-10-05")
        #expect(first.messageRecipients == 5020)
        #expect(first.filter == .green)
        #expect(first.complaintRate == SNDSComplaintRate(value: 0.001, below: true))   // "< 0.1%"
        #expect(data.snds[1].complaintRate == SNDSComplaintRate(value: 0.001, below: false))  // "0.1%"
        #expect(data.snds[1].trapHits == 3)
        #expect(data.snds[2].filter == .red)
        #expect(data.snds[2].complaintRate?.value == 0.015)
    }

    @Test func pinnedFormatsAndTheWrongContainer() throws {
        let e = try errors([
            "report.yml": "timezone: UTC\ninputs:\n  - path: data/snds/*\n    format: microsoft-snds\n",
            "data/snds/x.json": "{\"a\": 1}\n",
        ])
        #expect(e.first?.message.contains("microsoft-snds format is CSV") == true)
    }

    @Test func badInputNamesFileLineAndField() throws {
        func one(_ text: String, name: String = "data/gmail/x.json") throws -> ReportError? { try errors([name: text]).first }
        let badDate = try one(#"{"domainStats": [{"name": "domains/a.com/domainStats/1", "metric": "SPAM_RATE", "value": {"doubleValue": 0.1}, "date": {"year": 2026, "month": 2, "day": 30}}]}"#)
        #expect(badDate?.location?.field == "domainStats[0].date")
        #expect(badDate?.message.contains("not a date") == true)
        // A number no year can be (found by fuzzing: converting it to an Int trapped).
        let hugeYear = try one(#"{"domainStats": [{"name": "domains/a.com/domainStats/1", "metric": "SPAM_RATE", "value": {"doubleValue": 0.1}, "date": {"year": 1e300, "month": 2, "day": 3}}]}"#)
        #expect(hugeYear?.location?.field == "domainStats[0].date")
        let noDate = try one(#"{"domainStats": [{"name": "domains/a.com/domainStats/1", "metric": "SPAM_RATE", "value": {"doubleValue": 0.1}}]}"#)
        #expect(noDate?.message.contains("DAILY") == true)
        let badName = try one(#"{"domainStats": [{"name": "a.com", "metric": "SPAM_RATE", "value": {"doubleValue": 0.1}, "date": {"year": 2026, "month": 2, "day": 3}}]}"#)
        #expect(badName?.location?.field == "domainStats[0].name")
        let noValue = try one(#"{"domainStats": [{"name": "domains/a.com/domainStats/1", "metric": "SPAM_RATE", "value": {}, "date": {"year": 2026, "month": 2, "day": 3}}]}"#)
        #expect(noValue?.location?.field == "domainStats[0].value")
        let percent = try one(#"{"domainStats": [{"name": "domains/a.com/domainStats/1", "metric": "SPAM_RATE", "value": {"doubleValue": 0.3}, "date": {"year": 2026, "month": 2, "day": 3}}, {"name": "domains/a.com/domainStats/2", "metric": "SPAM_RATE", "value": {"doubleValue": 30}, "date": {"year": 2026, "month": 2, "day": 4}}]}"#)
        #expect(percent?.location?.field == "domainStats[1]")
        #expect(percent?.message.contains("not a fraction") == true)
        let batchError = try one(#"{"results": [{"error": {"code": 403, "message": "PERMISSION_DENIED"}}]}"#)
        #expect(batchError?.location?.field == "results[0].error")

        let sndsFilter = try one("192.0.2.1,10/5/2026 12:00 AM,10/6/2026 12:00 AM,1,1,1,BLUE,< 0.1%,,,0\n", name: "data/snds/x.csv")
        #expect(sndsFilter?.location == SourceLocation(file: "data/snds/x.csv", line: 1, field: "field 7 (filter result)"))
        let sndsRate = try one("192.0.2.1,10/5/2026 12:00 AM,10/6/2026 12:00 AM,1,1,1,GREEN,about 1,,,0\n192.0.2.1,10/6/2026 12:00 AM,x,1,1,1,GREEN,< 0.1%,,,0\n", name: "data/snds/x.csv")
        #expect(sndsRate?.location?.field == "field 8 (complaint rate)")
        let sndsDate = try errors(["data/snds/x.csv": "192.0.2.1,10/5/2026 12:00 AM,10/6/2026 12:00 AM,1,1,1,GREEN,< 0.1%,,,0\n192.0.2.1,13/40/2026 12:00 AM,x,1,1,1,GREEN,< 0.1%,,,0\n"])
        #expect(sndsDate.first?.location == SourceLocation(file: "data/snds/x.csv", line: 2, field: "field 2 (activity start)"))
    }

    @Test func theSameDayFromTwoFilesIsOneValue() throws {
        let (data, warnings) = try read(["data/gmail/a.json": "postmaster-standard-names.json", "data/gmail/b.json": "postmaster-standard-names.json"])
        #expect(data.postmaster.count == 1)
        #expect(warnings.count == 2)  // the unknown name, once per file; the equal SPAM_RATE values raise nothing
    }

    @Test func calendarDays() {
        #expect(CalendarDay("2026-02-29") == nil)
        #expect(CalendarDay("2028-02-29")?.next.description == "2028-03-01")
        #expect(CalendarDay("2026-12-31")?.next.description == "2027-01-01")
        #expect(CalendarDay("2026-12-28")?.isoWeek == ISOWeek(year: 2026, week: 53))
        #expect(CalendarDay("2027-01-03")?.isoWeek == ISOWeek(year: 2026, week: 53))
        #expect(CalendarDay("2027-01-04")?.isoWeek == ISOWeek(year: 2027, week: 1))
        #expect(CalendarDay("2026-10-05")?.isoWeek == ISOWeek(year: 2026, week: 41))
        let d = CalendarDay("2026-10-05")!
        #expect(CalendarDay.fromOrdinal(d.ordinal) == d)
    }
}

/// Bounce reasons where each provider gives a diagnostic (metrics.md, *Bounce reasons*).
@Suite struct ProviderBounceReasonTests {
    func events(_ name: String, _ text: String) throws -> [RecipientEvent] {
        let project = try TestProject(files: ["report.yml": "timezone: UTC\n", name: text])
        var out: [RecipientEvent] = []
        _ = try ProjectReader(root: project.root).read { e, _ in out.append(e) }
        return out
    }

    @Test func sendGridClassificationStatusAndDeferrals() throws {
        let e = try events("data/sg.json", """
        [{"email":"a@x.com","timestamp":1793000000,"event":"bounce","type":"bounce","bounce_classification":"Invalid Address","status":"5.1.1","reason":"550 5.1.1 user unknown","marketing_campaign_id":"c1","sg_event_id":"1"},
         {"email":"b@x.com","timestamp":1793000000,"event":"bounce","type":"blocked","bounce_classification":"Unclassified","status":"5.7.26","reason":"550 5.7.26 unauthenticated","marketing_campaign_id":"c1","sg_event_id":"2"},
         {"email":"c@x.com","timestamp":1793000000,"event":"deferred","response":"421 4.7.28 unusual rate of unsolicited mail","attempt":"1","marketing_campaign_id":"c1","sg_event_id":"3"}]
        """)
        #expect(e.map(\.bounceReason) == [.invalidRecipient, .authentication, .rateLimited])
        #expect(e.map(\.type) == [.bounce, .bounce, .deferred])
    }

    @Test func sesDiagnosticCodesAndDelays() throws {
        let mail = #""mail":{"timestamp":"2026-10-27T09:00:00Z","destination":["a@x.com"],"tags":{"campaign":["c1"]}}"#
        let e = try events("data/ses.jsonl", """
        {"eventType":"Bounce",\(mail),"bounce":{"bounceType":"Permanent","bounceSubType":"General","timestamp":"2026-10-27T09:01:00Z","bouncedRecipients":[{"emailAddress":"a@x.com","status":"5.2.2","diagnosticCode":"smtp; 552 5.2.2 over quota"}]}}
        {"eventType":"Bounce",\(mail),"bounce":{"bounceType":"Permanent","bounceSubType":"NoEmail","timestamp":"2026-10-27T09:01:00Z","bouncedRecipients":[{"emailAddress":"b@x.com"}]}}
        {"eventType":"DeliveryDelay",\(mail),"deliveryDelay":{"delayType":"TransientCommunicationFailure","timestamp":"2026-10-27T09:02:00Z","delayedRecipients":[{"emailAddress":"c@x.com","status":"4.4.1","diagnosticCode":"smtp; 421 4.7.0 Try again later, closing connection."}]}}
        """)
        #expect(e.map(\.bounceReason) == [.mailboxFull, .invalidRecipient, .rateLimited])
        #expect(e.last?.type == .deferred)
    }

    @Test func mailgunDeliveryStatusAndPostmarkDetails() throws {
        let mg = try events("data/mg.jsonl", """
        {"event-data":{"event":"failed","severity":"permanent","reason":"generic","recipient":"a@x.com","timestamp":1793000000,"tags":["c1"],"delivery-status":{"code":550,"message":"5.7.1 blocked using Spamhaus","description":""}}}
        """)
        #expect(mg.first?.bounceReason == .reputation)
        let pm = try events("data/pm.jsonl", """
        {"RecordType":"Bounce","Type":"SoftBounce","Email":"a@x.com","BouncedAt":"2026-10-27T09:00:00Z","Tag":"c1","Details":"smtp;552 5.2.2 mailbox full","Description":"The server could not deliver"}
        {"RecordType":"Bounce","Type":"DMARCPolicy","Email":"b@x.com","BouncedAt":"2026-10-27T09:00:00Z","Tag":"c1","Details":""}
        """)
        #expect(pm.map(\.bounceReason) == [.mailboxFull, .authentication])
    }

    @Test func canonicalDiagnosticColumnOnBothPaths() throws {
        let csv = "time,campaign,recipient,event,bounce_type,diagnostic\n2026-10-27T09:00:00Z,c1,a@x.com,bounce,hard,550 5.1.1 user unknown\n2026-10-27T09:00:00Z,c1,b@x.com,deferred,,421 4.7.28 rate limited\n2026-10-27T09:00:00Z,c1,c@x.com,bounce,hard,\n"
        // The ordinary path (a closure sink) and the byte path (the accumulator) classify alike.
        let e = try events("data/events.csv", csv)
        #expect(e.map(\.bounceReason) == [.invalidRecipient, .rateLimited, nil])
    }
}
