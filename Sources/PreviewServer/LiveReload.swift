import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Server-Sent Events for the preview: every open page listens on one stream and reloads after a good
/// build, or shows the build error as an overlay until the next good build. The script goes only into
/// served HTML, never into built files, and finds the stream relative to its page, so it works behind a
/// proxy, under https and under a sub-path.
public final class LiveReload: @unchecked Sendable {
    /// The stream's path under the site root.
    public static let streamPath = "__inbox-report/events"

    private let lock = NSLock()
    private var clients: [Int32] = []
    private var buildID: String
    private var failure: String?
    private var sequence = 0
    private let instance = String(UInt64(Date().timeIntervalSince1970 * 1000), radix: 36)

    public init() {
        buildID = instance + "-0"
    }

    public var currentBuild: String {
        lock.lock()
        defer { lock.unlock() }
        return buildID
    }

    public var currentFailure: String? {
        lock.lock()
        defer { lock.unlock() }
        return failure
    }

    public var clientCount: Int {
        lock.lock()
        defer { lock.unlock() }
        return clients.count
    }

    /// A good build: pages reload (files are already renamed into place when this is called).
    public func buildSucceeded() {
        lock.lock()
        sequence += 1
        buildID = "\(instance)-\(sequence)"
        failure = nil
        let message = "event: reload\ndata: {\"build\":\(Self.json(buildID))}\n\n"
        lock.unlock()
        broadcast(message)
    }

    /// A failed build: pages keep the last good site and show the error.
    public func buildFailed(_ error: String) {
        lock.lock()
        failure = error
        let message = "event: failure\ndata: {\"error\":\(Self.json(error))}\n\n"
        lock.unlock()
        broadcast(message)
    }

    /// Takes over a connection that asked for the stream; returns when the client goes away or `stop()`.
    func serve(fd: Int32, stopped: @escaping () -> Bool) {
        lock.lock()
        let hello = "event: hello\ndata: {\"build\":\(Self.json(buildID)),\"failed\":\(failure != nil),\"error\":\(Self.json(failure ?? ""))}\n\n"
        lock.unlock()
        let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\nCache-Control: no-cache\r\nConnection: keep-alive\r\nX-Accel-Buffering: no\r\n\r\n"
        // Reconnect quickly after a restart of the preview.
        guard Connection.writeAll(fd, Data((head + "retry: 1000\n\n" + hello).utf8)) else { return }
        lock.lock()
        clients.append(fd)
        lock.unlock()
        defer {
            lock.lock()
            clients.removeAll { $0 == fd }
            lock.unlock()
        }
        var buffer = [UInt8](repeating: 0, count: 512)
        var idle = 0
        while !stopped() {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pfd, 1, 1000)
            if ready > 0 {
                if recv(fd, &buffer, buffer.count, 0) <= 0 { return }  // the page went away
                continue
            }
            idle += 1
            if idle >= 15 {  // a comment every 15 s keeps proxies from closing the stream
                idle = 0
                lock.lock()
                let ok = Connection.writeAll(fd, Data(": ping\n\n".utf8))
                lock.unlock()
                if !ok { return }
            }
        }
    }

    private func broadcast(_ message: String) {
        let data = Data(message.utf8)
        lock.lock()
        clients = clients.filter { Connection.writeAll($0, data) }
        lock.unlock()
    }

    /// Puts the reload script into an HTML page served at `requestPath`.
    public func inject(into html: Data, requestPath: String) -> Data {
        let script = Data(Self.script(streamURL: Self.relativePrefix(for: requestPath) + Self.streamPath, build: currentBuild).utf8)
        if let range = html.range(of: Data("</body>".utf8), options: .backwards) {
            var out = html
            out.replaceSubrange(range.lowerBound..<range.lowerBound, with: script)
            return out
        }
        return html + script
    }

    /// `../../` for `/weeks/2026-W47/index.html`, `./` at the root: the way back to the site root.
    static func relativePrefix(for requestPath: String) -> String {
        let path = requestPath.split(separator: "?", maxSplits: 1).first.map(String.init) ?? "/"
        let folders = path.split(separator: "/", omittingEmptySubsequences: true).count - (path.hasSuffix("/") ? 0 : 1)
        return folders <= 0 ? "./" : String(repeating: "../", count: folders)
    }

    /// A JSON string literal, with `<` escaped so it is also safe inside an inline script.
    static func json(_ s: String) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let data = (try? encoder.encode(s)) ?? Data("\"\"".utf8)
        return String(decoding: data, as: UTF8.self).replacingOccurrences(of: "<", with: "\\u003c")
    }

    static func script(streamURL: String, build: String) -> String {
        """
        <script data-inbox-report-preview>
        (function () {
          var loaded = \(json(build));
          var stream = new EventSource(new URL(\(json(streamURL)), location.href));
          function overlay(message) {
            var o = document.getElementById("inbox-report-overlay");
            if (!message) { if (o) o.remove(); return; }
            if (!o) {
              o = document.createElement("div");
              o.id = "inbox-report-overlay";
              o.setAttribute("role", "alert");
              o.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;padding:40px;background:rgba(24,6,6,.96);color:#fff;font:15px/1.6 system-ui,sans-serif";
              document.body.appendChild(o);
            }
            o.innerHTML = "<h2 style=\\"margin:0 0 16px;color:#ff8a80;font-size:20px\\">The build failed</h2>" +
              "<pre style=\\"white-space:pre-wrap;font:14px/1.5 ui-monospace,Menlo,Consolas,monospace;background:#000;padding:16px;border-radius:6px\\"></pre>" +
              "<p style=\\"color:#ccc\\">This page shows the last good build. Fix the input and save: the page reloads by itself.</p>";
            o.querySelector("pre").textContent = message;
          }
          stream.addEventListener("hello", function (e) {
            var d = JSON.parse(e.data);
            if (d.failed) overlay(d.error); else if (d.build !== loaded) location.reload(); else overlay(null);
          });
          stream.addEventListener("reload", function () { location.reload(); });
          stream.addEventListener("failure", function (e) { overlay(JSON.parse(e.data).error); });
        })();
        </script>

        """
    }
}
