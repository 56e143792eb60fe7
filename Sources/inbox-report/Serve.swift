import ArgumentParser
import Foundation
import InboxReport
import PreviewServer

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Build, then serve the site on http://127.0.0.1:8000/.")

    @OptionGroup var project: ProjectOptions
    @Option(help: "Port to listen on; 0 picks any free port. Without it, a busy 8000 moves on to the next free port.")
    var port: UInt16?
    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"
    @Option(name: .shortAndLong, help: "Where to write the site.", completion: .directory)
    var output: String?

    func run() throws {
        let console = Console(quiet: false)
        let root = project.root
        let outputURL = output.map { URL(fileURLWithPath: $0, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).standardizedFileURL }
            ?? ReportProject(root: root).defaultOutput
        let summary = try console.failing {
            try ReportProject(root: root).build(options: BuildOptions(output: outputURL, lenient: project.lenient), step: console.step)
        }
        console.finishProgress()
        console.report(summary, verbose: false)
        console.out("Built \(summary.pages) pages in \(Console.seconds(summary.seconds))")

        if host != "127.0.0.1" && host != "localhost" {
            console.warn("listening on \(host): anyone who can reach this address can read the report")
        }
        StaticServer.ignoreSIGPIPE()
        let server = try console.failing { try bindServer(root: outputURL, console: console) }
        server.start()
        console.out("Serving \(Console.relative(outputURL)) at http://\(host):\(server.port)/  (Ctrl-C stops)")

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
        server.stop()
        console.out("\nStopped.")
    }

    /// An explicit `--port` that is taken fails; the default 8000 moves on to the next free port.
    private func bindServer(root: URL, console: Console) throws -> StaticServer {
        if let port {
            let server = StaticServer(root: root, options: .init(host: host, port: port))
            try server.bind()
            return server
        }
        for candidate in UInt16(8000)...UInt16(8099) {
            let server = StaticServer(root: root, options: .init(host: host, port: candidate))
            do {
                try server.bind()
                if candidate != 8000 { console.out("Port 8000 is in use; using \(candidate) instead.") }
                return server
            } catch StaticServer.Failure.addressInUse {
                continue
            }
        }
        throw StaticServer.Failure.socket("no free port between 8000 and 8099; pass --port 0 for any free port")
    }
}
