import Foundation
import Testing
@testable import Reading
import ReportCore

/// CSV and JSON containers, streamed.
@Suite struct ContainerTests {
    func csvRows(_ text: String) throws -> [([String], Int)] {
        var out: [([String], Int)] = []
        try CSVReader.parse(text) { out.append(($0, $1)) }
        return out
    }

    @Test func csvQuotesEscapesLineBreaksCRLFAndBOM() throws {
        let rows = try csvRows("\u{FEFF}a,b,c\r\n1,\"two, with comma\",\"say \"\"hi\"\"\"\r\n2,\"multi\nline\",x\r\n\r\n3,,\n")
        #expect(rows.map(\.0) == [["a", "b", "c"], ["1", "two, with comma", "say \"hi\""], ["2", "multi\nline", "x"], ["3", "", ""]])
        // Lines are where each record starts: the multi-line record starts on line 3, the blank line is skipped.
        #expect(rows.map(\.1) == [1, 2, 3, 6])
    }

    @Test func csvUnterminatedQuoteIsAnError() {
        #expect(throws: CSVReader.Failure.self) { try csvRows("a,b\n1,\"open\n") }
    }

    @Test func jsonArrayAndJSONLinesWithTheLineEachObjectStartsOn() throws {
        var lines: [Int] = []
        try JSONStream.parse("[\n  {\"a\": 1},\n  {\"a\": \"x}\\\"\"},\n  {\"a\":\n 3}\n]") { _, line in lines.append(line) }
        #expect(lines == [2, 3, 4])
        var objects: [[String: Any]] = []
        try JSONStream.parse("{\"a\": 1}\n{\"a\": 2}\n\n{\"a\": [1, {\"b\": 2}]}\n") { o, _ in objects.append(o as! [String: Any]) }
        #expect(objects.count == 3)
    }

    @Test func jsonSyntaxErrorsNameTheLine() {
        #expect(throws: JSONStream.Failure.syntax(line: 2, message: "not valid JSON")) {
            try JSONStream.parse("{\"a\": 1}\n{\"a\": 2 \"b\": 3}\n") { _, _ in }
        }
        #expect(throws: JSONStream.Failure.self) { try JSONStream.parse("[{\"a\": 1}") { _, _ in } }
    }

    @Test func jsonCellTextKeepsBooleansAndWholeNumbers() throws {
        var cells: [String: String] = [:]
        try JSONStream.parse(#"{"b": true, "n": 1200, "f": 1.5, "z": null, "s": "x"}"#) { o, _ in
            for (k, v) in o as! [String: Any] { if let t = JSONStream.cellText(v) { cells[k] = t } }
        }
        #expect(cells == ["b": "true", "n": "1200", "f": "1.5", "s": "x"])
    }

    @Test func headersMatchIgnoringCaseSpacesDashesAndUnderscores() {
        let mapping = ColumnMapping(["emails sent": "sent"])
        let mapped = ["Unique Opens", "HARD-BOUNCES", "sent_at", "Emails Sent", "whatever"].map { mapping.name($0, in: Columns.campaignFields) }
        #expect(mapped == ["unique_opens", "hard_bounces", "sent_at", "sent", nil])
    }
}

extension JSONStream.Failure: Equatable {
    public static func == (a: JSONStream.Failure, b: JSONStream.Failure) -> Bool {
        switch (a, b) {
        case let (.syntax(l1, m1), .syntax(l2, m2)): return l1 == l2 && m1 == m2
        }
    }
}

/// inputs.md §2: times.
@Suite struct TimeParsingTests {
    let utc = TimeZone(identifier: "UTC")!
    let stockholm = TimeZone(identifier: "Europe/Stockholm")!

    @Test(arguments: [
        ("2026-11-16T09:00:00+01:00", 1_794_816_000.0),
        ("2026-11-16T08:00:00Z", 1_794_816_000.0),
        ("2026-11-16 08:00:00z", 1_794_816_000.0),
        ("2026-11-16T03:00:00-0500", 1_794_816_000.0),
        ("2026-11-16T08:00:00.250Z", 1_794_816_000.25),
        ("2026-03-02T05:10:11.1234567-05:00", 1_772_446_211.1234567),
        ("1794816000", 1_794_816_000.0),
        ("1794816000.25", 1_794_816_000.25),
    ])
    func instants(text: String, expected: Double) throws {
        let t = try #require(TimeParsing.instant(Substring(text), zone: utc))
        #expect(abs(t - expected) < 1e-6)
    }

    @Test func aTimeWithoutOffsetIsReadInTheProjectsZone() throws {
        // 09:00 in Stockholm in November (UTC+1) is 08:00 UTC; in July (UTC+2) 07:00 UTC.
        #expect(TimeParsing.instant("2026-11-16T09:00:00", zone: stockholm) == 1_794_816_000)
        #expect(TimeParsing.instant("2026-07-16T09:00:00", zone: stockholm) == 1_784_185_200)
    }

    @Test func aDateAloneIsMidnightInTheProjectsZoneForSendsOnly() {
        #expect(TimeParsing.sendTime("2026-11-16", zone: stockholm) == 1_794_783_600)   // 2026-11-15T23:00Z
        #expect(TimeParsing.instant("2026-11-16", zone: stockholm) == nil)  // an event needs a time of day
    }

    @Test(arguments: ["", "yesterday", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-11-16T25:00:00Z", "12o4", "2026-11-16T09:00:00+1"])
    func rejected(text: String) {
        #expect(TimeParsing.instant(Substring(text), zone: utc) == nil)
    }

    /// inputs.md §2: Unix time by its whole digits — 10 seconds, 13 milliseconds, 16 microseconds; on both
    /// reading paths (text here; JSON numbers through the same rule).
    @Test func unixTimeBySecondsMillisecondsOrMicroseconds() {
        #expect(TimeParsing.instant(Substring("1794906000"), zone: utc) == 1_794_906_000)
        #expect(TimeParsing.instant(Substring("1794906000.5"), zone: utc) == 1_794_906_000.5)
        #expect(TimeParsing.instant(Substring("1794906000123"), zone: utc) == 1_794_906_000.123)
        #expect(TimeParsing.instant(Substring("1794906000123456"), zone: utc) == 1_794_906_000.123456)
        #expect(TimeParsing.unixSeconds(number: 1_794_906_000_123) == 1_794_906_000.123)
        #expect(TimeParsing.unixSeconds(number: 1_794_906_000.25) == 1_794_906_000.25)
        // 11, 12, 14, 15 or more than 16 digits say no unit: rejected, never guessed.
        for text in ["17949060001", "179490600012", "17949060001234", "179490600012345", "99999999999999999999"] {
            #expect(TimeParsing.instant(Substring(text), zone: utc) == nil, "\(text)")
        }
        #expect(TimeParsing.unixSeconds(number: 1e300) == nil)
        #expect(TimeParsing.unixSeconds(number: -5) == nil)
    }
}
