import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One client connection: reads requests (bounded, with a timeout), answers them, keeps the connection
/// alive between requests where HTTP/1.1 allows.
struct Connection {
    static let maxRequestLine = 8 * 1024
    static let maxHeaderBytes = 32 * 1024

    let fd: Int32
    let server: StaticServer
    private var buffer: [UInt8] = []

    init(fd: Int32, server: StaticServer) {
        self.fd = fd
        self.server = server
    }

    struct Request {
        var method: String
        var target: String
        var version: String
        var headers: [String: String]
        func header(_ name: String) -> String? { headers[name.lowercased()] }
    }

    enum ReadResult {
        case request(Request)
        case closed
        case error(status: Int, reason: String)
    }

    mutating func serve() {
        var timeout = timeval(tv_sec: Int(server.options.idleTimeout), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        while true {
            switch readRequest() {
            case .closed:
                return
            case .error(let status, let reason):
                Self.reply(fd, status: status, reason: reason, body: Data("\(status) \(reason)\n".utf8), close: true)
                return
            case .request(let request):
                let keepAlive = wantsKeepAlive(request)
                guard respond(request, keepAlive: keepAlive), keepAlive else { return }
            }
        }
    }

    private func wantsKeepAlive(_ r: Request) -> Bool {
        let connection = r.header("connection")?.lowercased() ?? ""
        if r.version == "HTTP/1.0" { return connection.contains("keep-alive") }
        return !connection.contains("close")
    }

    /// Reads until the blank line that ends the headers. Bodies are not expected (GET/HEAD).
    private mutating func readRequest() -> ReadResult {
        let deadline = Date().addingTimeInterval(server.options.idleTimeout)
        while true {
            if let end = headerEnd() {
                let head = Array(buffer[..<end])
                buffer.removeFirst(min(buffer.count, end + 4))
                return parse(head)
            }
            if !buffer.contains(0x0A) && buffer.count > Self.maxRequestLine {
                return .error(status: 414, reason: "URI Too Long")
            }
            if buffer.count > Self.maxHeaderBytes {
                return .error(status: 431, reason: "Request Header Fields Too Large")
            }
            let remaining = deadline.timeIntervalSinceNow
            if remaining <= 0 { return buffer.isEmpty ? .closed : .error(status: 408, reason: "Request Timeout") }
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pfd, 1, Int32(min(remaining, 1) * 1000))
            if ready < 0 && errno != EINTR { return .closed }
            if ready <= 0 { continue }
            var chunk = [UInt8](repeating: 0, count: 8192)
            let n = recv(fd, &chunk, chunk.count, 0)
            if n <= 0 { return .closed }
            buffer.append(contentsOf: chunk[..<n])
        }
    }

    private func headerEnd() -> Int? {
        guard buffer.count >= 4 else { return nil }
        for i in 0...(buffer.count - 4) where buffer[i] == 0x0D && buffer[i + 1] == 0x0A && buffer[i + 2] == 0x0D && buffer[i + 3] == 0x0A {
            return i
        }
        return nil
    }

    private func parse(_ head: [UInt8]) -> ReadResult {
        let text = String(decoding: head, as: UTF8.self)
        var lines = text.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst()
        if requestLine.utf8.count > Self.maxRequestLine { return .error(status: 414, reason: "URI Too Long") }
        let parts = requestLine.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[2].hasPrefix("HTTP/1.") else { return .error(status: 400, reason: "Bad Request") }
        var headers: [String: String] = [:]
        for line in lines where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { return .error(status: 400, reason: "Bad Request") }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            headers[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return .request(Request(method: String(parts[0]), target: String(parts[1]), version: String(parts[2]), headers: headers))
    }

    /// Answers one request. Returns false when the connection should close (a failed write).
    private func respond(_ request: Request, keepAlive: Bool) -> Bool {
        guard request.method == "GET" || request.method == "HEAD" else {
            return Self.reply(fd, status: 405, reason: "Method Not Allowed", body: Data("405 Method Not Allowed\n".utf8),
                              close: !keepAlive, extra: ["Allow": "GET, HEAD"])
        }
        let head = request.method == "HEAD"
        switch PathResolver(root: server.root).resolve(request.target) {
        case .redirect(let location):
            return Self.reply(fd, status: 301, reason: "Moved Permanently", body: Data(), close: !keepAlive,
                              extra: ["Location": location], headOnly: head)
        case .notFound:
            let page = FileManager.default.contents(atPath: server.root.appending(path: "404.html").path) ?? Data("404 Not Found\n".utf8)
            return Self.reply(fd, status: 404, reason: "Not Found", body: page, close: !keepAlive,
                              extra: ["Content-Type": "text/html; charset=utf-8"], headOnly: head)
        case .file(let path):
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
                  let data = FileManager.default.contents(atPath: path) else {
                return Self.reply(fd, status: 404, reason: "Not Found", body: Data("404 Not Found\n".utf8), close: !keepAlive, headOnly: head)
            }
            let modified = (attributes[.modificationDate] as? Date) ?? Date(timeIntervalSince1970: 0)
            let inode = (attributes[.systemFileNumber] as? Int) ?? 0
            let etag = "\"\(String(inode, radix: 16))-\(String(data.count, radix: 16))-\(String(Int(modified.timeIntervalSince1970 * 1000), radix: 16))\""
            let lastModified = HTTPDate.format(modified)
            let type = MIME.type(forPath: path)
            var headers = ["Content-Type": type, "ETag": etag, "Last-Modified": lastModified, "Cache-Control": "no-cache"]
            if let match = request.header("if-none-match") {
                if match.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == etag || $0.trimmingCharacters(in: .whitespaces) == "*" }) {
                    return Self.reply(fd, status: 304, reason: "Not Modified", body: Data(), close: !keepAlive, extra: headers, headOnly: true)
                }
            } else if let since = request.header("if-modified-since").flatMap(HTTPDate.parse),
                      Int(modified.timeIntervalSince1970) <= Int(since.timeIntervalSince1970) {
                return Self.reply(fd, status: 304, reason: "Not Modified", body: Data(), close: !keepAlive, extra: headers, headOnly: true)
            }
            var body = data
            if type.hasPrefix("text/html"), let transform = server.transformHTML {
                body = transform(data)
                headers["ETag"] = nil
            }
            return Self.reply(fd, status: 200, reason: "OK", body: body, close: !keepAlive, extra: headers, headOnly: head)
        }
    }

    /// Writes a whole response. A client that went away (EPIPE, ECONNRESET) just ends the connection.
    @discardableResult
    static func reply(_ fd: Int32, status: Int, reason: String, body: Data, close: Bool,
                      extra: [String: String] = [:], headOnly: Bool = false) -> Bool {
        var headers = extra
        if headers["Content-Type"] == nil { headers["Content-Type"] = "text/plain; charset=utf-8" }
        headers["Content-Length"] = String(body.count)
        headers["Connection"] = close ? "close" : "keep-alive"
        headers["Date"] = HTTPDate.format(Date())
        var head = "HTTP/1.1 \(status) \(reason)\r\n"
        for (k, v) in headers.sorted(by: { $0.key < $1.key }) { head += "\(k): \(v)\r\n" }
        head += "\r\n"
        guard writeAll(fd, Data(head.utf8)) else { return false }
        if !headOnly && !body.isEmpty && !writeAll(fd, body) { return false }
        return !close
    }

    static func writeAll(_ fd: Int32, _ data: Data) -> Bool {
        data.withUnsafeBytes { raw -> Bool in
            guard var p = raw.baseAddress else { return true }
            var left = raw.count
            while left > 0 {
                let n = send(fd, p, left, Int32(MSG_NOSIGNAL))
                if n < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                p += n
                left -= n
            }
            return true
        }
    }
}

/// RFC 9110 dates: `Sun, 06 Nov 1994 08:49:37 GMT`.
enum HTTPDate {
    static func formatter() -> DateFormatter {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "GMT")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return f
    }

    static func format(_ date: Date) -> String { formatter().string(from: date) }
    static func parse(_ text: String) -> Date? { formatter().date(from: text) }
}
