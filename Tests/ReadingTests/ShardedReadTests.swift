@testable import EventFold
import Foundation
import Metrics
import Testing
@testable import Reading
import ReportCore
import TestSupport

/// A large event log is read by one worker per shard, each folding only its own recipients (FastEvents,
/// EventAccumulator). Whatever the number of shards, the figures and the errors must be the same as on one
/// thread.
@Suite struct ShardedReadTests {
    static let t0 = 1_780_000_000  // 2026-05-28

    /// A canonical event log with the awkward rows:
    /// upper-case and non-ASCII addresses (compared lower-cased), quoted fields with doubled quotes, CRLF.
    /// With `multiline`, every seventh click's URL is a quoted field holding a line break (the row takes two
    /// lines; `bad` is keyed by the line a row begins on).
    static func bigLog(rows: Int, bad: [Int: String] = [:], multiline: Bool = false) -> String {
        var out = "time,campaign,recipient,event,bounce_type,machine,url\n"
        out.reserveCapacity(rows * 80)
        var seed: UInt64 = 42
        func next(_ n: Int) -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((seed >> 33) % UInt64(n))
        }
        let types = ["sent", "delivered", "open", "open", "click", "unsubscribe", "complaint", "bounce", "reply"]
        var line = 2
        while line < rows + 2 {
            if let row = bad[line] {
                out += row + "\n"
                line += 1
                continue
            }
            let r = next(5000)
            var recipient = "u\(r)@example.com"
            if r % 97 == 0 { recipient = "U\(r)@Example.COM" }       // the same person as u…@example.com
            if r % 211 == 0 { recipient = "Ünïcode\(r)@exämple.se" }
            let campaign = r % 13 == 0 ? "\"spring \"\"sale\"\" \(next(3))\"" : "c\(next(12))"
            let type = types[next(types.count)]
            let time = t0 + next(40 * 86400)
            let iso = ISO8601DateFormatter.string(from: Date(timeIntervalSince1970: Double(time)), timeZone: .gmt, formatOptions: [.withInternetDateTime])
            let bounce = type == "bounce" ? (next(3) == 0 ? "soft" : "hard") : ""
            let machine = type == "open" ? (next(2) == 0 ? "true" : "false") : ""
            var url = type == "click" ? "https://shop.example/p/\(next(20))?u=\(r)" : ""
            let broken = multiline && type == "click" && next(7) == 0
            if broken { url = "\"https://shop.example/p/\(next(3))\n,\"\"\"" }
            out += "\(iso),\(campaign),\(recipient),\(type),\(bounce),\(machine),\(url)" + (line % 5 == 0 ? "\r\n" : "\n")
            line += broken ? 2 : 1
        }
        return out
    }

    func config(_ project: TestProject) throws -> ReportConfig {
        try ProjectReader(root: project.root).loadConfig()
    }

    @Test func workersGiveTheFiguresOfOneThread() throws {
        let project = try TestProject(files: ["report.yml": "timezone: UTC\n", "data/events.csv": Self.bigLog(rows: 20_000)])
        // Every file gets one worker per shard, however small, each parsing stretches of 1500 bytes.
        let reader = ProjectReader(root: project.root, options: ReadOptions(parallelFromBytes: 0, stretchBytes: 1500))
        let config = try config(project)

        // One thread, through the ordinary per-event path.
        let oneByOne = EventAccumulator(shards: 1)
        _ = try reader.readFile("data/events.csv", config: config) { e, l in oneByOne.add(e, at: l) }
        // One thread, batched; three workers into three shards; two.
        var results = [oneByOne.summaries()]
        var reports: [Report] = []
        for shards in [1, 3, 2] {
            let acc = EventAccumulator(shards: shards)
            let contribution = try reader.readFile("data/events.csv", config: config, into: acc)
            #expect(contribution.eventRows == 20_000)
            #expect(acc.eventCount == 20_000)
            results.append(acc.summaries())
            var c = config
            c.campaignPrograms = [(pattern: "*", program: "newsletter")]
            reports.append(try ReportBuilder.build(config: c, rows: [], evidence: acc))
        }
        #expect(results[0].count == 15)  // c0…c11 and spring "sale" 0…2
        #expect(results[0]["spring \"sale\" 1"] != nil)
        for other in results.dropFirst() {
            #expect(Set(other.keys) == Set(results[0].keys))
            for (id, s) in results[0] { #expect(other[id]?.counts == s.counts, "\(id)") }
        }
        // Recipients compared lower-cased: U97@Example.COM is u97@example.com.
        let total = results[0].values.map { $0.counts.sent ?? 0 }.reduce(0, +)
        #expect(total > 0)
        let a = try #require(reports[0].insights), b = try #require(reports[1].insights)
        #expect(a.sender.counts == b.sender.counts)
        #expect(a.sender.messages == b.sender.messages)
        #expect(a.frequency == b.frequency)
        #expect(a.overThreshold == b.overThreshold)
        for (id, d) in a.sends {
            let e = try #require(b.sends[id])
            #expect(d.opensByHour == e.opensByHour)
            #expect(d.clicksByHour == e.clicksByHour)
            #expect(d.providers == e.providers)
            #expect(d.topLinks.map(\.url) == e.topLinks.map(\.url))
            #expect(d.topLinks.map(\.clickers) == e.topLinks.map(\.clickers))
        }
    }

    /// Each worker parses its own stretches, beginning where a line does. A quoted field may hold a line
    /// break, so a stretch may begin inside a record: the worker before tells, and the rest of the file is read
    /// on one thread. Small stretches cross hundreds of such records; every figure, link and error line must be
    /// one thread's.
    @Test func stretchesBeginningInsideAQuotedFieldGiveTheFiguresOfOneThread() throws {
        let bad = [3001: "2026-05-28T10:00:00Z,c1,u17@example.com,opened,,,"]
        var log = Self.bigLog(rows: 12_000, bad: bad, multiline: true)
        let project = try TestProject(files: ["report.yml": "timezone: UTC\n", "data/events.csv": log])
        let config = try config(project)
        let one = EventAccumulator(shards: 1)
        let oneError = try #require(throws: ReportErrors.self) {
            try ProjectReader(root: project.root).readFile("data/events.csv", config: config, into: one)
        }
        #expect(oneError.errors.map { $0.location?.line ?? 0 } == [3001])
        let summaries = one.summaries()
        #expect(summaries.values.contains { ($0.counts.uniqueClicks ?? 0) > 0 })
        for stretch in [97, 1000, 1 << 20] {
            let reader = ProjectReader(root: project.root, options: ReadOptions(parallelFromBytes: 0, stretchBytes: stretch))
            let two = EventAccumulator(shards: 2)
            let error = try #require(throws: ReportErrors.self) { try reader.readFile("data/events.csv", config: config, into: two) }
            #expect(error.errors == oneError.errors, "stretches of \(stretch) bytes")
            let split = two.summaries()
            #expect(Set(split.keys) == Set(summaries.keys))
            for (id, s) in summaries { #expect(split[id]?.counts == s.counts, "\(id), stretches of \(stretch) bytes") }
            #expect(split.mapValues(\.location) == summaries.mapValues(\.location), "first lines, stretches of \(stretch) bytes")
        }
        // Without the bad row, the links (their URLs hold the line breaks) are one thread's too.
        log = Self.bigLog(rows: 12_000, multiline: true)
        try project.write("data/events.csv", log)
        var c = config
        c.campaignPrograms = [(pattern: "*", program: "newsletter")]
        let reports = try [(1, 1 << 20), (2, 97)].map { shards, stretch in
            let acc = EventAccumulator(shards: shards)
            _ = try ProjectReader(root: project.root, options: ReadOptions(parallelFromBytes: 0, stretchBytes: stretch))
                .readFile("data/events.csv", config: config, into: acc)
            return try ReportBuilder.build(config: c, rows: [], evidence: acc)
        }
        let a = try #require(reports[0].insights), b = try #require(reports[1].insights)
        #expect(a.sends.values.contains { $0.topLinks.contains { $0.url.contains("\n") } })
        for (id, d) in a.sends {
            #expect(d.topLinks.map(\.url) == b.sends[id]?.topLinks.map(\.url), "\(id)")
            #expect(d.topLinks.map(\.clickers) == b.sends[id]?.topLinks.map(\.clickers), "\(id)")
        }
    }

    @Test func eachBadRowIsReportedOnceWithItsLine() throws {
        let bad = [
            500: "2026-05-28T10:00:00Z,c1,u17@example.com,opened,,,",        // unknown event type
            7000: "2026-05-28T10:00:00Z,c1,u18@example.com,sent,,,,extra",   // one field too many
            9000: "2026-05-28T10:00:00Z,c1,,sent,,,",                        // no recipient
            10000: "yesterday,c1,U99@EXAMPLE.com,sent,,,",                  // a time that is no time
        ]
        let project = try TestProject(files: ["report.yml": "timezone: UTC\n", "data/events.csv": Self.bigLog(rows: 30_000, bad: bad)])
        let reader = ProjectReader(root: project.root, options: ReadOptions(parallelFromBytes: 0, stretchBytes: 4096))
        for shards in [1, 3] {
            let error = try #require(throws: ReportErrors.self) {
                try reader.readFile("data/events.csv", config: try config(project), into: EventAccumulator(shards: shards))
            }
            #expect(error.errors.map { $0.location?.line ?? 0 } == [500, 7000, 9000, 10000], "\(shards) shards")
            #expect(error.errors.allSatisfy { $0.location?.file == "data/events.csv" })
        }
    }
}
