import Foundation
import PreviewServer
import Testing
import TestSupport

/// preview-server.md, *Safe*: bounded requests, timeouts, vanishing clients, bursts.
@Suite(.serialized) struct AbuseTests {
    let site: TestProject
    let server: StaticServer

    init() throws {
        site = try TestProject(files: [
            "public/index.html": "<h1>home</h1>", "public/404.html": "<h1>not here</h1>",
            "public/data/big.csv": String(repeating: "campaign,program,week,sent\n", count: 200_000),
        ])
        server = StaticServer(root: site.root.appending(path: "public"), options: .init(port: 0, maxConnections: 128, idleTimeout: 2))
        try server.bind()
        server.start()
    }

    @Test func aHugeHeaderIs431() throws {
        let s = try TestSocket(port: server.port)
        s.send("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + String(repeating: "a", count: 200_000) + "\r\n\r\n")
        #expect(status(s.read(until: "\r\n\r\n")) == 431)
        server.stop()
    }

    @Test func aMalformedRequestLineIs400() throws {
        let s = try TestSocket(port: server.port)
        s.send("HELLO\r\n\r\n")
        #expect(status(s.read(until: "\r\n\r\n")) == 400)
        server.stop()
    }

    @Test func aClientThatSendsNothingIsDroppedAfterTheTimeout() throws {
        let s = try TestSocket(port: server.port)
        let start = Date()
        let r = s.read(timeout: 6)   // returns when the server closes
        #expect(r.isEmpty)
        #expect(Date().timeIntervalSince(start) < 5)
        server.stop()
    }

    @Test func aClientThatStopsMidRequestGets408() throws {
        let s = try TestSocket(port: server.port)
        s.send("GET / HTTP/1.1\r\nHost:")
        #expect(status(s.read(until: "\r\n\r\n", timeout: 6)) == 408)
        server.stop()
    }

    @Test func sixtyFourSilentClientsDoNotBlockANormalRequest() throws {
        let stalled = try (0..<64).map { _ in try TestSocket(port: server.port) }
        for s in stalled { s.send("GET / HTTP/1.1\r\nHost: x\r\n") }  // never finished
        let start = Date()
        let r = try get(server.port, "/")
        #expect(status(r) == 200)
        #expect(Date().timeIntervalSince(start) < 1)
        _ = stalled
        server.stop()
    }

    @Test func clientsThatVanishMidResponseHarmNothing() throws {
        for _ in 0..<20 {
            let s = try TestSocket(port: server.port)
            s.send("GET /data/big.csv HTTP/1.1\r\nHost: x\r\n\r\n")
            _ = s.read(until: "campaign", timeout: 2)
            // closed here with megabytes unread: the server's writes fail with EPIPE/ECONNRESET
        }
        #expect(status(try get(server.port, "/data/big.csv", method: "HEAD")) == 200)
        #expect(body(try get(server.port, "/")) == "<h1>home</h1>")
        server.stop()
    }

    @Test func aBurstBeyondTheCapIsRefusedNotCrashed() throws {
        let small = StaticServer(root: site.root.appending(path: "public"), options: .init(port: 0, maxConnections: 8, idleTimeout: 2))
        try small.bind()
        small.start()
        let held = try (0..<8).map { _ in try TestSocket(port: small.port) }
        #expect(waitFor(timeout: 10) { small.activeConnections == 8 })
        let extra = try TestSocket(port: small.port)
        #expect(status(extra.read(until: "\r\n\r\n")) == 503)
        _ = held
        small.stop()
        server.stop()
    }

    @Test func ifModifiedSinceGivesNotModified() throws {
        let first = try get(server.port, "/data/big.csv", method: "HEAD")
        let lastModified = try #require(header(first, "Last-Modified"))
        #expect(status(try get(server.port, "/data/big.csv", headers: "If-Modified-Since: \(lastModified)\r\n")) == 304)
        #expect(status(try get(server.port, "/data/big.csv", headers: "If-Modified-Since: Thu, 01 Jan 1970 00:00:00 GMT\r\n")) == 200)
        server.stop()
    }
}
