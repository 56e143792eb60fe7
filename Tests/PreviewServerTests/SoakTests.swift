import Foundation
import InboxReport
import PreviewServer
import Testing
import TestSupport

/// A long run of the preview server: wrk's 50 connections for a minute (`INBOX_SOAK_SECONDS`) while the
/// project is rebuilt 20 times. No request may fail, no file descriptor may be left open, memory stays flat.
/// `make test` runs it in a process of its own (so the count of open files is the server's alone).
@Suite(.serialized) struct SoakTests {
    static let seconds = Int(ProcessInfo.processInfo.environment["INBOX_SOAK_SECONDS"] ?? "") ?? 60
    static let wrk = ["/usr/bin/wrk", "/usr/local/bin/wrk"].first { FileManager.default.isExecutableFile(atPath: $0) }

    static func openFiles() -> Int { (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? -1 }

    /// What each open descriptor is, for the message when some are left open.
    static func openFileNames() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []).sorted().map {
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\($0)")) ?? "?"
        }
    }

    static func residentMB() -> Double {
        let statm = (try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8)) ?? ""
        let pages = Double(statm.split(separator: " ").dropFirst().first ?? "0") ?? 0
        return pages * Double(sysconf(Int32(_SC_PAGESIZE))) / 1_048_576
    }

    /// wrk running against the server; `finish` waits for it and closes its pipe.
    struct Load {
        let process: Process
        let out: Pipe
        func finish() throws -> (Int32, String) {
            let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            try out.fileHandleForReading.close()
            return (process.terminationStatus, text)
        }
    }

    static func load(_ wrk: String, port: UInt16, seconds: Int) throws -> Load {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: wrk)
        process.arguments = ["-t2", "-c50", "-d\(seconds)s", "http://127.0.0.1:\(port)/weeks/2026-W47/"]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        return Load(process: process, out: out)
    }

    @Test func aMinuteOfLoadWhileTwentyRebuildsHappen() throws {
        let wrk = try #require(Self.wrk, "wrk is not installed: `make test` installs it")
        let project = try TestProject(files: PreviewSessionTests.files)
        let built = DispatchSemaphore(value: 0)
        let failures = Counter()
        let preview = PreviewSession(root: project.root, options: BuildOptions()) { event in
            switch event {
            case .built: built.signal()
            case .failed: failures.increment(); built.signal()
            case .portMoved: break
            }
        }
        try preview.start(port: 0, debounce: 0.05)
        defer { preview.stop() }
        #expect(built.wait(timeout: .now() + 60) == .success)  // the first build
        // A first second of load warms the caches and starts the threads (the server's, and those Foundation keeps
        // for watching child processes), so what is counted after the run is what the run left behind.
        _ = try Self.load(wrk, port: preview.port, seconds: 1).finish()
        let filesBefore = Self.openFiles(), memoryBefore = Self.residentMB(), namesBefore = Self.openFileNames()

        let run = try Self.load(wrk, port: preview.port, seconds: Self.seconds)
        let start = Date()
        for k in 1...20 {
            try project.write("notes/weeks/2026-W47.md", "Version \(k) of the note.\n")
            #expect(built.wait(timeout: .now() + 60) == .success, "rebuild \(k)")
            // Spread the rebuilds over the run (pacing the test, not waiting for the server).
            let next = start.addingTimeInterval(Double(Self.seconds) * Double(k) / 21)
            if next.timeIntervalSinceNow > 0 { Thread.sleep(until: next) }
        }
        let (status, report) = try run.finish()
        #expect(status == 0, "\(report)")
        #expect(!report.contains("Socket errors"), "\(report)")
        #expect(!report.contains("Non-2xx"), "\(report)")
        let requests = report.split(separator: "\n").first { $0.contains("requests in") }
            .flatMap { Int($0.trimmingCharacters(in: .whitespaces).split(separator: " ").first ?? "") } ?? 0
        #expect(requests > 1000, "\(report)")
        #expect(failures.value == 0)
        #expect(try get(preview.port, "/weeks/2026-W47/").contains("Version 20 of the note."))
        // Every connection wrk opened is closed again, and nothing else was left open.
        #expect(waitFor(timeout: 30) { preview.activeConnections == 0 })
        #expect(waitFor(timeout: 30) { Self.openFiles() <= filesBefore }, "open files \(filesBefore) → \(Self.openFiles()): before \(namesBefore), after \(Self.openFileNames())")
        let memoryAfter = Self.residentMB()
        #expect(memoryAfter < memoryBefore + 64, "resident memory \(memoryBefore) MB → \(memoryAfter) MB")
        print("soak: \(requests) requests in \(Self.seconds) s during 20 rebuilds; open files \(filesBefore) → \(Self.openFiles()); resident \(Int(memoryBefore)) → \(Int(memoryAfter)) MB")
    }
}
