import ArgumentParser
import Foundation
import InboxReport
import PreviewServer

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Build, serve on http://127.0.0.1:8000/, and rebuild and reload open pages on every change.")

    @OptionGroup var project: ProjectOptions
    @Option(help: "Port to listen on; 0 picks any free port. Without it, a busy 8000 moves on to the next free port.")
    var port: UInt16?
    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"
    @Option(name: .shortAndLong, help: "Where to write the site.", completion: .directory)
    var output: String?
    @Flag(help: "Poll for changes instead of using inotify (for network file systems).")
    var poll = false

    func run() throws {
        let console = Console(quiet: false)
        let outputURL = output.map { URL(fileURLWithPath: $0, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).standardizedFileURL }
        let session = PreviewSession(root: project.root, options: project.buildOptions(output: outputURL)) { event in
            let console = Console(quiet: false)
            switch event {
            case .built(let summary, let changed):
                console.report(summary, verbose: false)
                let what = changed.isEmpty ? "Built" : "Rebuilt (\(Self.describe(changed)))"
                console.out("\(what): \(summary.pages) pages, \(summary.changedFiles) files changed, in \(Console.seconds(summary.seconds))")
            case .failed(let message):
                console.error(message)
                console.err("  (still serving the last good site; the error shows in the browser)")
            case .portMoved(let from, let to):
                console.out("Port \(from) is in use; using \(to) instead.")
            }
        }
        if host != "127.0.0.1" && host != "localhost" {
            console.warn("listening on \(host): anyone who can reach this address can read the report")
        }
        try console.failing { try session.start(host: host, port: port, forcePolling: poll) }
        console.out("Serving \(Console.relative(session.output)) at http://\(host):\(session.port)/  (watching data/, notes/, templates/, report.yml; Ctrl-C stops)")

        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        let stop = DispatchSemaphore(value: 0)
        let sources = [SIGINT, SIGTERM].map { sig -> DispatchSourceSignal in
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { stop.signal() }
            source.resume()
            return source
        }
        stop.wait()
        sources.forEach { $0.cancel() }
        session.stop()
        console.out("\nStopped.")
    }

    static func describe(_ paths: [String]) -> String {
        let cwd = FileManager.default.currentDirectoryPath + "/"
        let names = paths.prefix(3).map { $0.hasPrefix(cwd) ? String($0.dropFirst(cwd.count)) : $0 }
        return names.joined(separator: ", ") + (paths.count > 3 ? " and \(paths.count - 3) more" : "")
    }
}
