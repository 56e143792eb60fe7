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
    private var chunk = [UInt8](repeating: 0, count: 16384)

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
        let requestPath = request.target.split(separator: "?", maxSplits: 1).first.map(String.init) ?? "/"
        if let live = server.liveReload, requestPath.hasSuffix("/" + LiveReload.streamPath), !head {
            live.serve(fd: fd) { [server] in server.isStopped }
            return false
        }
        switch server.resolver.resolve(request.target) {
        case .redirect(let location):
            return Self.reply(fd, status: 301, reason: "Moved Permanently", body: Data(), close: !keepAlive,
                              extra: ["Location": location], headOnly: head)
        case .notFound:
            var page = server.files.file(server.root.appending(path: "404.html").path)?.data
                ?? Data("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Not found</title></head><body><h1>404 Not Found</h1></body></html>\n".utf8)
            if let transform = server.transformHTML { page = transform(page, requestPath) }
            return Self.reply(fd, status: 404, reason: "Not Found", body: page, close: !keepAlive,
                              extra: ["Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-cache"], headOnly: head)
        case .file(let filePath):
            guard let file = server.files.file(filePath) else {
                return Self.reply(fd, status: 404, reason: "Not Found", body: Data("404 Not Found\n".utf8), close: !keepAlive, headOnly: head)
            }
            let type = MIME.type(forPath: filePath)
            var headers = ["Content-Type": type, "ETag": file.etag, "Last-Modified": file.lastModified, "Cache-Control": "no-cache"]
            if type.hasPrefix("text/html"), let transform = server.transformHTML {
                // The injected script names the current build, so the page has no validator and never a 304.
                headers["ETag"] = nil
                headers["Last-Modified"] = nil
                let key = server.liveReload?.currentBuild ?? ""
                let body = server.files.transformed(filePath, entry: file, key: key + "\u{0}" + requestPath) { transform($0, requestPath) }
                return Self.reply(fd, status: 200, reason: "OK", body: body, close: !keepAlive, extra: headers, headOnly: head)
            }
            if let match = request.header("if-none-match") {
                if match.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == file.etag || $0.trimmingCharacters(in: .whitespaces) == "*" }) {
                    return Self.reply(fd, status: 304, reason: "Not Modified", body: Data(), close: !keepAlive, extra: headers, headOnly: true)
                }
            } else if let since = request.header("if-modified-since").flatMap(HTTPDate.parse),
                      Int(file.modified.timeIntervalSince1970) <= Int(since.timeIntervalSince1970) {
                return Self.reply(fd, status: 304, reason: "Not Modified", body: Data(), close: !keepAlive, extra: headers, headOnly: true)
            }
            return Self.reply(fd, status: 200, reason: "OK", body: file.data, close: !keepAlive, extra: headers, headOnly: head)
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
        // Head and body in one write: two small writes meet Nagle's algorithm and the peer's delayed ACK.
        var response = Data(head.utf8)
        if !headOnly { response.append(body) }
        guard writeAll(fd, response) else { return false }
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

/// RFC 9110 dates: `Sun, 06 Nov 1994 08:49:37 GMT`. Written by hand: a DateFormatter per response is
/// slow, and a shared one is not thread-safe.
enum HTTPDate {
    private static let days = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    static func format(_ date: Date) -> String {
        let t = Int(date.timeIntervalSince1970.rounded(.down))
        let dayNumber = t >= 0 ? t / 86400 : (t - 86399) / 86400
        let secs = t - dayNumber * 86400
        // Civil date from days since 1970 (Howard Hinnant's algorithm).
        let z = dayNumber + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        let weekday = days[((dayNumber % 7) + 7) % 7]
        func p2(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(weekday), \(p2(d)) \(months[m - 1]) \(y) \(p2(secs / 3600)):\(p2(secs / 60 % 60)):\(p2(secs % 60)) GMT"
    }

    static func parse(_ text: String) -> Date? {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "GMT")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return f.date(from: text)
    }
}
