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
    static func bigLog(rows: Int, bad: [Int: String] = [:]) -> String {
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
            let url = type == "click" ? "https://shop.example/p/\(next(20))?u=\(r)" : ""
            out += "\(iso),\(campaign),\(recipient),\(type),\(bounce),\(machine),\(url)" + (line % 5 == 0 ? "\r\n" : "\n")
            line += 1
        }
        return out
    }

    func config(_ project: TestProject) throws -> ReportConfig {
        try ProjectReader(root: project.root).loadConfig()
    }

    @Test func workersGiveTheFiguresOfOneThread() throws {
        let project = try TestProject(files: ["report.yml": "timezone: UTC\n", "data/events.csv": Self.bigLog(rows: 20_000)])
        // Every file gets one worker per shard, however small.
        let reader = ProjectReader(root: project.root, options: ReadOptions(parallelFromBytes: 0))
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

    @Test func eachBadRowIsReportedOnceWithItsLine() throws {
        let bad = [
            500: "2026-05-28T10:00:00Z,c1,u17@example.com,opened,,,",        // unknown event type
            7000: "2026-05-28T10:00:00Z,c1,u18@example.com,sent,,,,extra",   // one field too many
            9000: "2026-05-28T10:00:00Z,c1,,sent,,,",                        // no recipient
            10000: "yesterday,c1,U99@EXAMPLE.com,sent,,,",                  // a time that is no time
        ]
        let project = try TestProject(files: ["report.yml": "timezone: UTC\n", "data/events.csv": Self.bigLog(rows: 30_000, bad: bad)])
        let reader = ProjectReader(root: project.root, options: ReadOptions(parallelFromBytes: 0))
        for shards in [1, 3] {
            let error = try #require(throws: ReportErrors.self) {
                try reader.readFile("data/events.csv", config: try config(project), into: EventAccumulator(shards: shards))
            }
            #expect(error.errors.map { $0.location?.line ?? 0 } == [500, 7000, 9000, 10000], "\(shards) shards")
            #expect(error.errors.allSatisfy { $0.location?.file == "data/events.csv" })
        }
    }
}
