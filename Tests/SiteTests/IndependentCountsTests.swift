import Foundation
import InboxReport
import Testing
import TestSupport

/// Per-send counts on generated data (../shared/bench/gen-events) equal an independent computation with
/// Python's csv module (scripts/independent_counts.py). Runs where python3 with numpy and the generator are.
@Suite struct IndependentCountsTests {
    static let generator = PackagePaths.root().deletingLastPathComponent().appending(path: "shared/bench/gen-events")
    static var available: Bool {
        FileManager.default.fileExists(atPath: generator.path)
            && (try? runProcess(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", "import numpy"]).code) == 0
    }

    @Test(.enabled(if: available)) func perSendCountsEqualAnIndependentComputation() throws {
        let project = try TestProject(files: ["report.yml": "title: Generated\ntimezone: UTC\n"])
        let data = project.root.appending(path: "data")
        let gen = try runProcess(URL(fileURLWithPath: "/usr/bin/env"), ["python3", Self.generator.path, "--events", "40000", "--recipients", "5000", "--out", data.path])
        #expect(gen.code == 0, "\(gen.err)")
        try? FileManager.default.removeItem(at: data.appending(path: "README-data.txt"))
        try ReportProject(root: project.root).build(options: BuildOptions(output: project.root.appending(path: "public")))
        let expected = try runProcess(URL(fileURLWithPath: "/usr/bin/env"), ["python3", PackagePaths.root().appending(path: "scripts/independent_counts.py").path, data.appending(path: "events.csv").path])
        #expect(expected.code == 0, "\(expected.err)")
        // Ours: the same columns from data/campaigns.csv.
        let ours = try #require(project.read("public/data/campaigns.csv")).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = ours[0]
        let columns = ["sent", "delivered", "hard_bounces", "soft_bounces", "unique_opens", "machine_opens", "unique_clicks", "unsubscribes", "complaints"]
        let index = columns.map { header.firstIndex(of: $0)! }
        var mine: [String: [String]] = [:]
        for row in ours.dropFirst() { mine[row[0]] = index.map { row[$0] } }
        let theirs = expected.out.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        #expect(theirs.count > 50)
        for row in theirs {
            #expect(mine[row[0]] == Array(row.dropFirst()), "campaign \(row[0])")
        }
    }
}
