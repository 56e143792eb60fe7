import Foundation
import ReportCore

/// What the mailbox-provider files under `data/` hold before Postmaster names are mapped: each file is read on
/// its own (so the build cache can keep it), and a response meets its saved request only here.
public struct MailboxInput: Sendable, Codable {
    /// Per response file: values whose metric is the requested name, with their request's index in a batch.
    var responses: [String: [RequestedValue]] = [:]
    /// Per request file's response path (`X.request.json` → the key `X`): requested name → metric, per request.
    var requests: [String: [[String: String]]] = [:]
    var named: [PostmasterValue] = []
    var compliance: [ComplianceItem] = []
    var snds: [SNDSRow] = []

    /// A value of a response with the index of its request in a batch (nil: a single query).
    struct RequestedValue: Sendable, Codable {
        var value: PostmasterValue
        var request: Int?
    }

    public init() {}

    public var isEmpty: Bool { responses.isEmpty && requests.isEmpty && named.isEmpty && compliance.isEmpty && snds.isEmpty }

    mutating func add(_ o: MailboxInput) {
        responses.merge(o.responses) { a, _ in a }
        requests.merge(o.requests) { a, _ in a }
        named += o.named
        compliance += o.compliance
        snds += o.snds
    }

    /// A file's path without `.gz` and its extension, and without `.request` for a request: the key a response
    /// and its request share (`data/gmail/2026-10.json` and `data/gmail/2026-10.request.json` → `data/gmail/2026-10`).
    static func pairKey(_ file: String) -> String {
        var s = file
        if s.lowercased().hasSuffix(".gz") { s.removeLast(3) }
        if let dot = s.lastIndex(of: "."), !s[dot...].contains("/") { s = String(s[..<dot]) }
        if s.lowercased().hasSuffix(".request") { s.removeLast(8) }
        return s
    }

    /// Every value under its standard name, duplicates folded, with a warning per unknown name (once, with its
    /// count) and per value that two files give differently.
    public func resolved() throws -> (MailboxProviderData, [Diagnostic]) {
        var warnings: [Diagnostic] = []
        var values = named
        for file in responses.keys.sorted() {
            let mapping = requests[Self.pairKey(file)]
            var unknown: [String: Int] = [:]
            for r in responses[file]! {
                var v = r.value
                let request = r.request
                if let mapping, let metric = mapping[min(request ?? 0, mapping.count - 1)][v.metric] ?? mapping.lazy.compactMap({ $0[v.metric] }).first {
                    v.metric = metric
                } else if !PostmasterFormat.standardMetrics.contains(String(v.standardMetric)) {
                    unknown[v.metric, default: 0] += 1
                    continue
                }
                values.append(v)
            }
            for (name, n) in unknown.sorted(by: { $0.key < $1.key }) {
                let hint = mapping == nil
                    ? "save the request body beside the response as \(Self.pairKey(file)).request.json to map it"
                    : "the saved request \(Self.pairKey(file)).request.json does not define it"
                warnings.append(Diagnostic("left out \(n) value\(n == 1 ? "" : "s") of the metric \"\(InputLimits.quoted(name))\", which is no standard Postmaster Tools metric: \(hint)", at: SourceLocation(file: file)))
            }
        }
        for v in values where v.metric.hasSuffix("_RATE") || v.standardMetric.hasSuffix("_RATE") {
            if let n = v.value, n < 0 || n > 1 {
                throw ReportError("the rate \(n) is not a fraction between 0 and 1 (Postmaster Tools gives 0.003 for 0.3 %)", at: v.location)
            }
        }
        // One value per domain, day and metric; a later file (in path order) wins over an earlier one.
        var seen: [String: Int] = [:]
        var out: [PostmasterValue] = []
        for v in values.sorted(by: { ($0.location.file, $0.location.field ?? "") < ($1.location.file, $1.location.field ?? "") }) {
            let key = "\(v.domain)\u{0}\(v.day)\u{0}\(v.metric)"
            if let i = seen[key] {
                if out[i].value != v.value || out[i].text != v.text {
                    warnings.append(Diagnostic("\(v.metric) of \(v.domain) on \(v.day) differs from \(out[i].location.file); the value here is used", at: v.location))
                }
                out[i] = v
            } else {
                seen[key] = out.count
                out.append(v)
            }
        }
        out.sort { ($0.domain, $0.day, $0.metric) < ($1.domain, $1.day, $1.metric) }
        var rows: [String: SNDSRow] = [:]
        for r in snds.sorted(by: { ($0.location.file, $0.location.line ?? 0) < ($1.location.file, $1.location.line ?? 0) }) {
            rows["\(r.ip)\u{0}\(r.day)"] = r  // a later export of the same IP and day replaces an earlier one
        }
        let data = MailboxProviderData(
            postmaster: out,
            compliance: compliance.sorted { ($0.domain, $0.requirement, $0.location.file) < ($1.domain, $1.requirement, $1.location.file) },
            snds: rows.values.sorted { ($0.ip, $0.day) < ($1.ip, $1.day) })
        return (data, warnings)
    }
}
