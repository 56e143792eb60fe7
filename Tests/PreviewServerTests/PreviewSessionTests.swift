import Foundation
import InboxReport
import PreviewServer
import Testing
import TestSupport

/// preview-server.md: watch, rebuild, live reload, the error overlay.
@Suite(.serialized) struct PreviewSessionTests {
    static let files = [
        "report.yml": "title: Preview test\ntimezone: UTC\n",
        "data/campaigns.csv": "campaign,program,sent_at,sent,delivered,unique_opens,machine_opens,unique_clicks\nnl-1,newsletter,2026-11-17T09:00:00Z,1000,990,300,100,30\n",
        "notes/weeks/2026-W47.md": "First version of the note.\n",
    ]

    func session(_ project: TestProject, polling: Bool = false) throws -> PreviewSession {
        let s = PreviewSession(root: project.root, options: BuildOptions())
        try s.start(port: 0, debounce: 0.1, forcePolling: polling)
        return s
    }

    func openStream(_ port: UInt16, from page: String = "/weeks/2026-W47/") throws -> TestSocket {
        let s = try TestSocket(port: port)
        s.send("GET \(page)../../__inbox-report/events HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n")
        let hello = s.read(until: "event: hello")
        #expect(hello.contains("text/event-stream"))
        return s
    }

    @Test func anEditedNoteReachesTheOpenStreamAndTheRebuiltPage() throws {
        let project = try TestProject(files: Self.files)
        let preview = try session(project)
        defer { preview.stop() }
        let stream = try openStream(preview.port)
        try project.write("notes/weeks/2026-W47.md", "Second version of the note.\n")
        #expect(stream.read(until: "event: reload", timeout: 10).contains("event: reload"))
        let page = try get(preview.port, "/weeks/2026-W47/")
        #expect(page.contains("Second version of the note."))
        // Only the note changed: no data file was read again.
        #expect(preview.cache.lastRead.isEmpty)
    }

    @Test func aBrokenReportYMLShowsInThePageWhileTheLastGoodSiteIsServed() throws {
        let project = try TestProject(files: Self.files)
        let preview = try session(project)
        defer { preview.stop() }
        let stream = try openStream(preview.port)
        try project.write("report.yml", "title: Preview test\ntimezone: UTC\nthreshold: 3\n")
        let failure = stream.read(until: "event: failure", timeout: 10)
        #expect(failure.contains(#"report.yml:3: unknown key \"threshold\""#))
        // The last good site is still served, and a page opened now shows the error at once.
        let page = try get(preview.port, "/weeks/2026-W47/")
        #expect(status(page) == 200)
        #expect(page.contains("First version of the note."))
        let late = try openStream(preview.port)
        _ = late
        #expect(preview.live.currentFailure?.contains("unknown key") == true)
        // Fixed: the next good build clears the error and reloads.
        try project.write("report.yml", "title: Preview test\ntimezone: UTC\n")
        #expect(stream.read(until: "event: reload", timeout: 10).contains("event: reload"))
        #expect(preview.live.currentFailure == nil)
    }

    @Test func theReloadScriptIsOnlyInServedHTMLAndFindsItsStreamRelatively() throws {
        let project = try TestProject(files: Self.files)
        let preview = try session(project)
        defer { preview.stop() }
        let page = try get(preview.port, "/weeks/2026-W47/index.html")
        #expect(page.contains("data-inbox-report-preview"))
        #expect(page.contains(#"new URL("../../__inbox-report/events", location.href)"#))
        #expect(try get(preview.port, "/").contains(#"new URL("./__inbox-report/events""#))
        // Never in the built files, never in CSS or CSV responses.
        for path in project.files(under: "public") {
            #expect(!(project.read("public/\(path)") ?? "").contains("inbox-report-preview"), "\(path)")
        }
        #expect(!(try get(preview.port, "/assets/style.css")).contains("EventSource"))
    }

    @Test func aChangedDataFileIsTheOnlyOneReadAgain() throws {
        var files = Self.files
        files["data/more.csv"] = "campaign,program,sent_at,sent,delivered\npr-1,promotions,2026-11-18T09:00:00Z,500,490\n"
        let project = try TestProject(files: files)
        let preview = try session(project)
        defer { preview.stop() }
        let stream = try openStream(preview.port)
        try project.write("data/more.csv", "campaign,program,sent_at,sent,delivered\npr-1,promotions,2026-11-18T09:00:00Z,600,590\n")
        #expect(stream.read(until: "event: reload", timeout: 10).contains("event: reload"))
        #expect(preview.cache.lastRead == ["data/more.csv"])
        #expect(try get(preview.port, "/data/campaigns.csv").contains("pr-1,promotions,,regular,2026-11-18T09:00:00+00:00,2026-W47,600,590"))
        // A deleted file drops out.
        try FileManager.default.removeItem(at: project.root.appending(path: "data/more.csv"))
        #expect(stream.read(until: "event: reload", timeout: 10).contains("event: reload"))
        #expect(!(try get(preview.port, "/data/campaigns.csv")).contains("pr-1"))
    }

    @Test func pollingWorksWhereInotifyIsNotUsed() throws {
        let project = try TestProject(files: Self.files)
        let preview = try session(project, polling: true)
        defer { preview.stop() }
        #expect(!preview.usesInotify)
        let stream = try openStream(preview.port)
        try project.write("notes/weeks/2026-W47.md", "Polled.\n")
        #expect(stream.read(until: "event: reload", timeout: 10).contains("event: reload"))
        #expect(try get(preview.port, "/weeks/2026-W47/").contains("Polled."))
    }

    @Test func aBurstOfSavesIsOneRebuild() throws {
        let count = Counter()
        let scheduler = RebuildScheduler(debounce: 0.2) { paths in
            #expect(paths.count == 20)
            count.increment()
        }
        for i in 0..<20 { scheduler.changed(["/x/\(i)"]) }
        // Waits for the scheduler to be done (every debounce run out, the rebuild finished), however slow the
        // machine: no sleep to guess with.
        #expect(scheduler.waitUntilIdle(timeout: 30))
        #expect(count.value == 1)
    }

    @Test func ctrlCStopsTheServerCleanly() throws {
        let project = try TestProject(files: Self.files)
        let process = Process()
        process.executableURL = PackagePaths.executable
        process.arguments = ["serve", project.root.path, "--port", "0"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = Pipe()
        try process.run()
        var text = ""
        let deadline = Date().addingTimeInterval(20)
        while !text.contains("Serving"), Date() < deadline {
            text += String(decoding: out.fileHandleForReading.availableData, as: UTF8.self)
        }
        let port = try #require(text.split(separator: ":").compactMap { UInt16($0.prefix { $0.isNumber }) }.first { $0 > 1000 })
        #expect(status(try get(port, "/")) == 200)
        process.interrupt()  // SIGINT, as Ctrl-C
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).contains("Stopped."))
        #expect(throws: (any Error).self) { try TestSocket(port: port) }
    }

    @Test func anExplicitPortInUseIsOneClearLineAndExitOne() throws {
        let project = try TestProject(files: Self.files)
        let blocker = StaticServer(root: project.root, options: .init(port: 0))
        try blocker.bind()
        defer { blocker.stop() }
        let r = try runProcess(PackagePaths.executable, ["serve", project.root.path, "--port", String(blocker.port)], environment: ["NO_COLOR": "1"])
        #expect(r.code == 1)
        #expect(r.err.trimmingCharacters(in: .whitespacesAndNewlines) == "error: port \(blocker.port) on 127.0.0.1 is already in use")
    }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func increment() { lock.lock(); n += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return n }
}
