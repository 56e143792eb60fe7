import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A small HTTP/1.1 server for a built site on loopback: GET and HEAD of files under one folder, index
/// pages, MIME types, the site's 404 page, and no path outside the folder. Foundation and POSIX sockets
/// only. The live-reload preview (`serve` with watch) builds on this.
public final class StaticServer: @unchecked Sendable {
    public struct Options: Sendable {
        public var host: String
        public var port: UInt16
        public var maxConnections: Int
        public var idleTimeout: TimeInterval
        public init(host: String = "127.0.0.1", port: UInt16 = 8000, maxConnections: Int = 128, idleTimeout: TimeInterval = 10) {
            self.host = host
            self.port = port
            self.maxConnections = maxConnections
            self.idleTimeout = idleTimeout
        }
    }

    public enum Failure: Error, CustomStringConvertible {
        case addressInUse(host: String, port: UInt16)
        case socket(String)
        public var description: String {
            switch self {
            case .addressInUse(let h, let p): return "port \(p) on \(h) is already in use"
            case .socket(let m): return m
            }
        }
    }

    public let root: URL
    public let options: Options
    private var listener: Int32 = -1
    public private(set) var port: UInt16 = 0
    private let lock = NSLock()
    private var active = 0
    private var stopped = false
    /// Called with each served HTML body and its request path; the preview injects its reload script here.
    public var transformHTML: (@Sendable (Data, String) -> Data)?
    /// Live reload: requests for its stream path are handed to it.
    public var liveReload: LiveReload?
    let files = FileCache()
    /// Resolved once: the folder's path stays the same when a build swaps a new site into it.
    let resolver: PathResolver

    var isStopped: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopped
    }

    /// Open connections, for tests and the connection cap.
    public var activeConnections: Int {
        lock.lock()
        defer { lock.unlock() }
        return active
    }

    public init(root: URL, options: Options = Options()) {
        Self.ignoreSIGPIPE()
        self.root = root.standardizedFileURL
        self.options = options
        self.resolver = PathResolver(root: root)
    }

    /// Binds and listens. With port 0 the kernel picks a free port, read back into `port`.
    public func bind() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure.socket("cannot create a socket: \(String(cString: strerror(errno)))") }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = options.port.bigEndian
        guard inet_pton(AF_INET, options.host == "localhost" ? "127.0.0.1" : options.host, &addr.sin_addr) == 1 else {
            close(fd)
            throw Failure.socket("\(options.host) is not an IPv4 address")
        }
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if bound != 0 {
            let err = errno
            close(fd)
            if err == EADDRINUSE { throw Failure.addressInUse(host: options.host, port: options.port) }
            throw Failure.socket("cannot bind \(options.host):\(options.port): \(String(cString: strerror(err)))")
        }
        guard listen(fd, 128) == 0 else {
            close(fd)
            throw Failure.socket("cannot listen: \(String(cString: strerror(errno)))")
        }
        var actual = sockaddr_in()
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        port = UInt16(bigEndian: actual.sin_port)
        listener = fd
    }

    /// Accepts connections on a background thread until `stop()`.
    public func start() {
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "inbox-report accept"
        thread.start()
    }

    public func stop() {
        lock.lock()
        stopped = true
        let fd = listener
        listener = -1
        lock.unlock()
        if fd >= 0 {
            shutdown(fd, Int32(SHUT_RDWR))
            close(fd)
        }
    }

    private func acceptLoop() {
        while true {
            lock.lock()
            let fd = listener
            lock.unlock()
            guard fd >= 0 else { return }
            let client = accept(fd, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                lock.lock()
                let done = stopped
                lock.unlock()
                if done { return }
                usleep(10_000)
                continue
            }
            var noDelay: Int32 = 1
            setsockopt(client, Int32(IPPROTO_TCP), TCP_NODELAY, &noDelay, socklen_t(MemoryLayout<Int32>.size))
            lock.lock()
            let tooMany = active >= options.maxConnections
            if !tooMany { active += 1 }
            lock.unlock()
            if tooMany {
                Connection.reply(client, status: 503, reason: "Service Unavailable", body: Data("busy\n".utf8), close: true)
                close(client)
                continue
            }
            // One thread per connection: a slow or silent client holds only its own thread, never a shared
            // pool that normal requests wait on. The cap above bounds the threads.
            let thread = Thread { [self] in
                var connection = Connection(fd: client, server: self)
                connection.serve()
                close(client)
                lock.lock()
                active -= 1
                lock.unlock()
            }
            thread.stackSize = 256 * 1024
            thread.start()
        }
    }

    /// Writes to a closed socket must fail with EPIPE, not kill the process.
    public static func ignoreSIGPIPE() {
        signal(SIGPIPE, SIG_IGN)
    }
}
