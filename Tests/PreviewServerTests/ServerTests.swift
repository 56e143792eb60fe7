import Foundation
import Testing
import PreviewServer
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// A raw HTTP client over a loopback socket: send bytes, read the whole response until the server closes.
func rawRequest(port: UInt16, _ text: String, readTimeout: Int = 5) throws -> String {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_port = port.bigEndian
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr)
    let ok = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
    guard ok == 0 else { throw POSIXError(.ECONNREFUSED) }
    var tv = timeval(tv_sec: readTimeout, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    _ = text.withCString { send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
    var out = [UInt8]()
    var buf = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = recv(fd, &buf, buf.count, 0)
        if n <= 0 { break }
        out += buf[..<n]
    }
    return String(decoding: out, as: UTF8.self)
}

func get(_ port: UInt16, _ path: String, method: String = "GET", headers: String = "") throws -> String {
    try rawRequest(port: port, "\(method) \(path) HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\(headers)\r\n")
}

func status(_ response: String) -> Int {
    Int(response.split(separator: " ", maxSplits: 2).dropFirst().first ?? "") ?? 0
}

func header(_ response: String, _ name: String) -> String? {
    for line in response.components(separatedBy: "\r\n") {
        let parts = line.split(separator: ":", maxSplits: 1)
        if parts.count == 2, parts[0].lowercased() == name.lowercased() { return parts[1].trimmingCharacters(in: .whitespaces) }
    }
    return nil
}

func body(_ response: String) -> String {
    response.components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n")
}

/// The first `serve`: a static site over HTTP/1.1 on loopback, and nothing outside it.
@Suite(.serialized) struct StaticServerTests {
    let site: TestProject
    let server: StaticServer
    let port: UInt16

    init() throws {
        site = try TestProject(files: [
            "public/index.html": "<h1>home</h1>", "public/404.html": "<h1>not here</h1>",
            "public/weeks/2026-W47/index.html": "<p>week</p>", "public/assets/style.css": "body{}",
            "public/data/campaigns.csv": "campaign\nx\n", "public/feed.xml": "<feed/>",
            "secret.txt": "outside the site",
        ])
        try FileManager.default.createSymbolicLink(atPath: site.root.appending(path: "public/escape").path, withDestinationPath: site.root.appending(path: "secret.txt").path)
        StaticServer.ignoreSIGPIPE()
        server = StaticServer(root: site.root.appending(path: "public"), options: .init(port: 0))
        try server.bind()
        server.start()
        port = server.port
    }

    @Test func servesFilesWithTypesAndLengths() throws {
        let r = try get(port, "/")
        #expect(status(r) == 200)
        #expect(header(r, "Content-Type") == "text/html; charset=utf-8")
        #expect(header(r, "Content-Length") == "13")
        #expect(body(r) == "<h1>home</h1>")
        #expect(header(try get(port, "/assets/style.css"), "Content-Type") == "text/css; charset=utf-8")
        #expect(header(try get(port, "/data/campaigns.csv"), "Content-Type") == "text/csv; charset=utf-8")
        #expect(header(try get(port, "/feed.xml"), "Content-Type") == "application/xml; charset=utf-8")
        #expect(body(try get(port, "/weeks/2026-W47/")) == "<p>week</p>")
        server.stop()
    }

    @Test func folderWithoutSlashRedirects() throws {
        let r = try get(port, "/weeks/2026-W47")
        #expect(status(r) == 301)
        #expect(header(r, "Location") == "/weeks/2026-W47/")
        server.stop()
    }

    @Test func missingIsTheSites404Page() throws {
        let r = try get(port, "/nope.html")
        #expect(status(r) == 404)
        #expect(body(r) == "<h1>not here</h1>")
        server.stop()
    }

    @Test(arguments: ["/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E%2Fsecret.txt", "/%252e%252e/secret.txt",
                      "/weeks/../../secret.txt", "/escape", "//etc/passwd", "/%00index.html", "/..%5csecret.txt"])
    func nothingOutsideTheSite(path: String) throws {
        let r = try get(port, path)
        #expect(status(r) == 404, "\(path)")
        #expect(!r.contains("outside the site"))
        server.stop()
    }

    @Test func headHasNoBodyAndOtherMethodsAre405() throws {
        let head = try get(port, "/", method: "HEAD")
        #expect(status(head) == 200)
        #expect(header(head, "Content-Length") == "13")
        #expect(body(head).isEmpty)
        let post = try get(port, "/", method: "POST")
        #expect(status(post) == 405)
        #expect(header(post, "Allow") == "GET, HEAD")
        server.stop()
    }

    @Test func etagGivesNotModified() throws {
        let first = try get(port, "/")
        let etag = try #require(header(first, "ETag"))
        let again = try get(port, "/", headers: "If-None-Match: \(etag)\r\n")
        #expect(status(again) == 304)
        #expect(body(again).isEmpty)
        server.stop()
    }

    @Test func keepAliveServesTwoRequestsOnOneConnection() throws {
        let r = try rawRequest(port: port, "GET / HTTP/1.1\r\nHost: x\r\n\r\nGET /assets/style.css HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        #expect(r.components(separatedBy: "HTTP/1.1 200 OK").count == 3)
        #expect(r.hasSuffix("body{}"))
        server.stop()
    }

    @Test func anOversizedRequestLineIs414() throws {
        let r = try get(port, "/" + String(repeating: "a", count: 20_000))
        #expect(status(r) == 414)
        server.stop()
    }

    @Test func aTakenPortIsReportedAsInUse() throws {
        let second = StaticServer(root: site.root, options: .init(port: port))
        #expect(throws: StaticServer.Failure.self) { try second.bind() }
        server.stop()
    }
}
