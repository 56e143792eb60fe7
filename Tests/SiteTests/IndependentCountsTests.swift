import Foundation
import InboxReport
import Testing
import TestSupport

/// Per-send counts on generated data (../shared/bench/gen-events) equal an independent computation with
/// Python's csv module (scripts/independent_counts.py). `make test` provides the Python (a virtual environment
/// with numpy, named by INBOX_REPORT_PYTHON); without the generator or numpy the test fails, saying why.
@Suite struct IndependentCountsTests {
    static let generator = PackagePaths.root().deletingLastPathComponent().appending(path: "shared/bench/gen-events")
    static let python = ProcessInfo.processInfo.environment["INBOX_REPORT_PYTHON"] ?? "python3"

    @Test func perSendCountsEqualAnIndependentComputation() throws {
        try #require(FileManager.default.fileExists(atPath: Self.generator.path), "the generator is not at \(Self.generator.path)")
        let numpy = try runProcess(URL(fileURLWithPath: "/usr/bin/env"), [Self.python, "-c", "import numpy"])
        try #require(numpy.code == 0, "\(Self.python) has no numpy: run the tests with `make test`, which installs it")
        let project = try TestProject(files: ["report.yml": "title: Generated\ntimezone: UTC\n"])
        let data = project.root.appending(path: "data")
        let gen = try runProcess(URL(fileURLWithPath: "/usr/bin/env"), [Self.python, Self.generator.path, "--events", "40000", "--recipients", "5000", "--out", data.path])
        #expect(gen.code == 0, "\(gen.err)")
        try? FileManager.default.removeItem(at: data.appending(path: "README-data.txt"))
        try ReportProject(root: project.root).build(options: BuildOptions(output: project.root.appending(path: "public")))
        let expected = try runProcess(URL(fileURLWithPath: "/usr/bin/env"), [Self.python, PackagePaths.root().appending(path: "scripts/independent_counts.py").path, data.appending(path: "events.csv").path])
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
