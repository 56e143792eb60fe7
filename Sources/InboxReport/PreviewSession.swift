import Foundation
import PreviewServer
import ReportCore

/// `inbox-report serve`: build, serve, watch, rebuild, reload. Inputs that did not change are not read
/// again, and a note edit draws pages from the report in memory (the session's `BuildCache` keeps it). A failed build keeps the last good site served and
/// shows its error in every open page until the next good build.
public final class PreviewSession: @unchecked Sendable {
    public enum Event: Sendable {
        case built(BuildSummary, changedPaths: [String])
        case failed(String)
        case portMoved(from: UInt16, to: UInt16)
    }

    public let project: ReportProject
    public let options: BuildOptions
    public let output: URL
    public let live = LiveReload()
    public let cache: BuildCache
    private let log: @Sendable (Event) -> Void
    private var server: StaticServer?
    private var watcher: FileWatcher?
    private var scheduler: RebuildScheduler?

    public init(root: URL, options: BuildOptions, log: @escaping @Sendable (Event) -> Void = { _ in }) {
        project = ReportProject(root: root)
        self.options = options
        output = (options.output ?? project.defaultOutput).standardizedFileURL
        cache = BuildCache(project: project.root, enabled: options.useCache, keepsMemory: true)
        self.log = log
    }

    public var port: UInt16 { server?.port ?? 0 }
    public var usesInotify: Bool { watcher?.usesInotify ?? false }
    /// Connections the server has open now (tests: none may be left behind).
    public var activeConnections: Int { server?.activeConnections ?? 0 }

    /// Builds once, binds the port and starts watching. A failed first build is reported and shown in the
    /// browser, not fatal; a taken explicit port or an output folder that is not ours is.
    /// - Parameter port: nil tries 8000, then the next free ports; 0 takes any free port.
    public func start(host: String = "127.0.0.1", port: UInt16? = nil, debounce: TimeInterval = 0.15, forcePolling: Bool = false) throws {
        try project.checkOutput(output)
        rebuild(changed: [])
        let server = try Self.bind(root: output, host: host, port: port, log: log)
        server.liveReload = live
        server.transformHTML = { [live] html, path in live.inject(into: html, requestPath: path) }
        server.start()
        self.server = server
        let scheduler = RebuildScheduler(debounce: debounce) { [weak self] paths in self?.rebuild(changed: paths) }
        self.scheduler = scheduler
        let root = project.root
        let watcher = FileWatcher(paths: [
            root.appending(path: "data"), root.appending(path: "notes"), root.appending(path: "templates"),
            root.appending(path: "report.yml"),
        ]) { paths in scheduler.changed(paths) }
        watcher.start(forcePolling: forcePolling)
        self.watcher = watcher
    }

    public func stop() {
        watcher?.stop()
        server?.stop()
    }

    private func rebuild(changed: [String]) {
        do {
            let summary = try project.build(options: options, cache: cache)
            live.buildSucceeded()
            log(.built(summary, changedPaths: changed))
        } catch {
            let message = Self.describe(error)
            live.buildFailed(message)
            log(.failed(message))
        }
    }

    static func describe(_ error: Error) -> String {
        if let e = error as? ReportErrors { return e.errors.map(\.description).joined(separator: "\n") }
        return String(describing: error)
    }

    /// An explicit port that is taken fails; the default 8000 moves on to the next free port and says so.
    static func bind(root: URL, host: String, port: UInt16?, log: @Sendable (Event) -> Void) throws -> StaticServer {
        if let port {
            let server = StaticServer(root: root, options: .init(host: host, port: port))
            try server.bind()
            return server
        }
        for candidate in UInt16(8000)...UInt16(8099) {
            let server = StaticServer(root: root, options: .init(host: host, port: candidate))
            do {
                try server.bind()
                if candidate != 8000 { log(.portMoved(from: 8000, to: candidate)) }
                return server
            } catch StaticServer.Failure.addressInUse {
                continue
            }
        }
        throw StaticServer.Failure.socket("no free port between 8000 and 8099; pass --port 0 for any free port")
    }
}
