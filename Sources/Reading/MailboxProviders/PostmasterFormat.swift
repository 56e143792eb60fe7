import Foundation
import ReportCore

/// Gmail Postmaster Tools: saved API responses (docs/inputs.md, *Mailbox-provider data*).
///
/// Sources: Google's "Gmail Postmaster Tools API" reference, v2 —
/// `domains.domainStats.query` and `domainStats.batchQuery` (`QueryDomainStatsResponse`: `domainStats[]` of
/// `DomainStat {name, metric, value: StatisticValue, date: {year, month, day}}`, `nextPageToken`;
/// `BatchQueryDomainStatsResponse`: `results[]`, each a response or an `error` `Status`), `MetricDefinition`
/// (`name`, `baseMetric.standardMetric`, `filter`, e.g. `auth_type = "dkim"`), `StandardMetric`
/// (`SPAM_RATE`, `FEEDBACK_LOOP_SPAM_RATE`, `AUTH_SUCCESS_RATE`, `TLS_ENCRYPTION_RATE`, `DELIVERY_ERROR_RATE`, …),
/// `StatisticValue` (one of `intValue` as a string, `doubleValue`, `floatValue`, `stringValue`, `stringList`) and
/// `domains.getComplianceStatus` (`DomainComplianceStatus {name, complianceData, subdomainComplianceData}`,
/// `DomainComplianceData {domainId, rowData[] {requirement, status}, oneClickUnsubscribeVerdict,
/// honorUnsubscribeVerdict}`); and v1 `domains.trafficStats` (`TrafficStats {name: domains/{d}/trafficStats/{YYYYMMDD},
/// userReportedSpamRatio, spfSuccessRatio, dkimSuccessRatio, dmarcSuccessRatio, outboundEncryptionRatio,
/// inboundEncryptionRatio, domainReputation, spammyFeedbackLoops[] {id, spamRatio}, deliveryErrors[] {errorClass,
/// errorType, errorRatio}}`), retired by Google but still in users' archives.
///
/// - A response's `metric` is the name the user gave in the request. When the request body is saved beside the
///   response (`X.request.json` for `X.json`), each name maps to its standard metric and filter
///   (`AUTH_SUCCESS_RATE:dkim`); without it, names that are standard metrics are taken as they are and any other
///   name is reported once and left out.
/// - The domain is the `{domain}` of `name` (`domains/example.com/domainStats/…`).
/// - Rates are fractions (0.003 = 0.3 %): Google's figures are ratios. A rate above 1 is an error (a percentage
///   saved by hand?) naming the value's place.
/// - v1 maps onto the v2 names: `userReportedSpamRatio` → `SPAM_RATE`, `spfSuccessRatio` → `AUTH_SUCCESS_RATE:spf`
///   (and `dkim`, `dmarc`), `inboundEncryptionRatio` → `TLS_ENCRYPTION_RATE:inbound` (and `outbound`),
///   `deliveryErrors[]` → `DELIVERY_ERROR_RATE:<errorType, lower case>`, `spammyFeedbackLoops[]` →
///   `FEEDBACK_LOOP_SPAM_RATE:<id>`, `domainReputation` → `DOMAIN_REPUTATION` (text). IP reputations are not read.
enum PostmasterFormat {
    /// What one saved document is.
    enum Document {
        /// Values whose `metric` is still the requested name; `request` is the index of the request in a batch.
        case stats([(value: PostmasterValue, request: Int?)])
        /// A request body: per request (one, or each of a batch), requested name → standard metric with filter.
        case request([[String: String]])
        case compliance([ComplianceItem])
        /// v1 values, already under standard names.
        case trafficStats([PostmasterValue])
    }

    /// The standard metrics of v2, and the v1-only domain reputation.
    static let standardMetrics: Set<String> = [
        "SPAM_RATE", "FEEDBACK_LOOP_ID", "FEEDBACK_LOOP_SPAM_RATE", "AUTH_SUCCESS_RATE", "TLS_ENCRYPTION_MESSAGE_COUNT",
        "TLS_ENCRYPTION_RATE", "DELIVERY_ERROR_COUNT", "DELIVERY_ERROR_RATE", "DOMAIN_REPUTATION",
    ]

    /// Whether a decoded JSON document is one of the shapes above.
    static func matches(_ o: [String: Any]) -> Bool {
        o["domainStats"] != nil || o["metricDefinitions"] != nil || o["complianceData"] != nil
            || o["subdomainComplianceData"] != nil || o["trafficStats"] != nil
            || (JSONValue.string(o["name"]).map { $0.hasPrefix("domains/") && $0.contains("/trafficStats/") } ?? false)
            || isBatch(o)
    }

    private static func isBatch(_ o: [String: Any]) -> Bool {
        if let results = JSONValue.array(o["results"]) {
            return results.contains { r in JSONValue.object(r).map { $0.values.contains { ($0 as? [String: Any])?["domainStats"] != nil } || $0["error"] != nil } ?? false }
        }
        if let requests = JSONValue.array(o["requests"]) {
            return requests.contains { JSONValue.object($0)?["metricDefinitions"] != nil }
        }
        return false
    }

    /// Reads one document. Errors name the field by its path (`domainStats[3].date.month`).
    static func read(_ o: [String: Any], at location: SourceLocation) throws -> Document {
        func at(_ field: String) -> SourceLocation { SourceLocation(file: location.file, line: location.line, field: field) }
        if o["metricDefinitions"] != nil { return .request([try definitions(o, path: "", at: at)]) }
        if let requests = JSONValue.array(o["requests"]) {
            return .request(try requests.enumerated().map { i, r in
                guard let r = JSONValue.object(r) else { throw ReportError("is not an object", at: at("requests[\(i)]")) }
                return try definitions(r, path: "requests[\(i)].", at: at)
            })
        }
        if o["complianceData"] != nil || o["subdomainComplianceData"] != nil { return .compliance(try compliance(o, at: at)) }
        if o["trafficStats"] != nil || JSONValue.string(o["name"])?.contains("/trafficStats/") == true {
            let list = o["trafficStats"] != nil ? (JSONValue.array(o["trafficStats"]) ?? []) : [o]
            var out: [PostmasterValue] = []
            for (i, t) in list.enumerated() {
                guard let t = JSONValue.object(t) else { throw ReportError("is not an object", at: at("trafficStats[\(i)]")) }
                out += try trafficStats(t, path: o["trafficStats"] != nil ? "trafficStats[\(i)]." : "", at: at)
            }
            return .trafficStats(out)
        }
        if let results = JSONValue.array(o["results"]) {
            var out: [(PostmasterValue, Int?)] = []
            for (i, r) in results.enumerated() {
                guard let r = JSONValue.object(r) else { throw ReportError("is not an object", at: at("results[\(i)]")) }
                if r["error"] != nil, !r.values.contains(where: { ($0 as? [String: Any])?["domainStats"] != nil }) {
                    let message = JSONValue.string(JSONValue.object(r["error"])?["message"]) ?? "no message"
                    throw ReportError("Postmaster Tools answered this request with an error (\(InputLimits.quoted(message))): save a response without errors", at: at("results[\(i)].error"))
                }
                guard let (key, response) = r.first(where: { ($0.value as? [String: Any])?["domainStats"] != nil }) else { continue }
                out += try stats(response as! [String: Any], path: "results[\(i)].\(key).", at: at).map { ($0, i) }
            }
            return .stats(out)
        }
        return .stats(try stats(o, path: "", at: at).map { ($0, nil) })
    }

    // MARK: v2 domain stats

    private static func stats(_ o: [String: Any], path: String, at: (String) -> SourceLocation) throws -> [PostmasterValue] {
        guard let list = JSONValue.array(o["domainStats"]) else {
            throw ReportError("is not a list", at: at(path + "domainStats"))
        }
        var out: [PostmasterValue] = []
        for (i, s) in list.enumerated() {
            let p = "\(path)domainStats[\(i)]"
            guard let s = JSONValue.object(s) else { throw ReportError("is not an object", at: at(p)) }
            let domain = try domain(of: s["name"], kind: "domainStats", at: at(p + ".name"))
            guard let metric = JSONValue.string(s["metric"]) else { throw ReportError("is missing", at: at(p + ".metric")) }
            guard let date = JSONValue.object(s["date"]) else {
                throw ReportError("is missing: save daily figures (aggregationGranularity DAILY, the default)", at: at(p + ".date"))
            }
            let day = try Self.day(date, at: at(p + ".date"))
            guard let v = JSONValue.object(s["value"]) else { throw ReportError("is missing", at: at(p + ".value")) }
            var value = PostmasterValue(domain: domain, day: day, metric: metric, location: at(p))
            if let n = number(v["doubleValue"]) ?? number(v["floatValue"]) ?? number(v["intValue"]) {
                value.value = n
            } else if let text = JSONValue.string(v["stringValue"]) {
                value.text = text
            } else if let list = JSONValue.object(v["stringList"]).flatMap({ JSONValue.array($0["values"]) }) {
                value.text = list.compactMap(JSONValue.string).joined(separator: ",")
            } else {
                throw ReportError("has none of doubleValue, floatValue, intValue, stringValue or stringList", at: at(p + ".value"))
            }
            out.append(value)
        }
        return out
    }

    /// A number, or a number written as a string (`intValue` is an int64 in a string).
    private static func number(_ v: Any?) -> Double? {
        if let n = v as? NSNumber, String(cString: n.objCType) != "c" { return n.doubleValue.isFinite ? n.doubleValue : nil }
        if let s = v as? String { return Double(s).flatMap { $0.isFinite ? $0 : nil } }
        return nil
    }

    /// `{year, month, day}` as a real date.
    static func day(_ d: [String: Any], at location: SourceLocation) throws -> CalendarDay {
        // Whole numbers of a sane size first: converting 1e300 to an Int would trap.
        func whole(_ v: Any?) -> Int? { number(v).flatMap { abs($0) < 100_000 && $0 == $0.rounded() ? Int($0) : nil } }
        guard let y = whole(d["year"]), let m = whole(d["month"]), let dd = whole(d["day"]),
              let day = CalendarDay(year: y, month: m, day: dd) else {
            throw ReportError("is not a date {year, month, day} within \(InputLimits.timeRange)", at: location)
        }
        return day
    }

    /// The `{domain}` of `domains/{domain}/…`.
    private static func domain(of name: Any?, kind: String, at location: SourceLocation) throws -> String {
        guard let name = JSONValue.string(name) else { throw ReportError("is missing (it names the domain: domains/{domain}/\(kind)/…)", at: location) }
        let parts = name.split(separator: "/")
        guard parts.count >= 2, parts[0] == "domains", parts[1].contains(".") else {
            throw ReportError("\"\(InputLimits.quoted(name))\" is not domains/{domain}/\(kind)/…", at: location)
        }
        return parts[1].lowercased()
    }

    // MARK: Requests

    /// Requested name → standard metric, with the filter's values after a colon.
    private static func definitions(_ o: [String: Any], path: String, at: (String) -> SourceLocation) throws -> [String: String] {
        guard let list = JSONValue.array(o["metricDefinitions"]) else { throw ReportError("is not a list", at: at(path + "metricDefinitions")) }
        var out: [String: String] = [:]
        for (i, d) in list.enumerated() {
            let p = "\(path)metricDefinitions[\(i)]"
            guard let d = JSONValue.object(d), let name = JSONValue.string(d["name"]) else { throw ReportError("has no name", at: at(p + ".name")) }
            guard let standard = JSONValue.string(JSONValue.object(d["baseMetric"])?["standardMetric"]) else {
                throw ReportError("is missing", at: at(p + ".baseMetric.standardMetric"))
            }
            out[name] = filterLabel(JSONValue.string(d["filter"])).map { "\(standard):\($0)" } ?? standard
        }
        return out
    }

    /// The values a filter selects, lower-cased, as the metric's suffix: `auth_type = "dkim"` → `dkim`;
    /// `feedback_loop_id = "x" AND aggregation_key_type = "ALL_DKIM"` → `x,all_dkim`. Nil without a filter.
    /// (Lower case, so v2's `RATE_LIMIT_EXCEEDED` and v1's `errorType` meet under one name.)
    static func filterLabel(_ filter: String?) -> String? {
        guard let filter, !filter.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
        var values: [String] = []
        var current: String?
        for c in filter {
            if c == "\"" {
                if let v = current { values.append(v); current = nil } else { current = "" }
            } else if current != nil {
                current!.append(c)
            }
        }
        return (values.isEmpty ? filter.trimmingCharacters(in: .whitespaces) : values.joined(separator: ",")).lowercased()
    }

    // MARK: Compliance

    private static func compliance(_ o: [String: Any], at: (String) -> SourceLocation) throws -> [ComplianceItem] {
        var out: [ComplianceItem] = []
        for key in ["complianceData", "subdomainComplianceData"] {
            guard let data = JSONValue.object(o[key]) else { continue }
            let domain = JSONValue.string(data["domainId"])?.lowercased()
                ?? (try? self.domain(of: o["name"], kind: "complianceStatus", at: at("name")))
            guard let domain else { throw ReportError("names no domain (domainId)", at: at(key + ".domainId")) }
            for (i, row) in (JSONValue.array(data["rowData"]) ?? []).enumerated() {
                let p = "\(key).rowData[\(i)]"
                guard let row = JSONValue.object(row), let requirement = JSONValue.string(row["requirement"]) else {
                    throw ReportError("is missing", at: at(p + ".requirement"))
                }
                guard let status = status(row["status"]) else { throw ReportError("is missing", at: at(p + ".status")) }
                out.append(ComplianceItem(domain: domain, requirement: requirement, status: status, location: at(p)))
            }
            for (field, requirement) in [("oneClickUnsubscribeVerdict", "ONE_CLICK_UNSUBSCRIBE"), ("honorUnsubscribeVerdict", "HONOR_UNSUBSCRIBE")] {
                guard let verdict = JSONValue.object(data[field]) else { continue }
                guard let status = status(verdict["status"]) else { throw ReportError("is missing", at: at("\(key).\(field).status")) }
                out.append(ComplianceItem(domain: domain, requirement: requirement, status: status,
                                          reason: JSONValue.string(verdict["reason"]), location: at("\(key).\(field)")))
            }
        }
        return out
    }

    /// A status given as `"COMPLIANT"` or as `{"status": "COMPLIANT"}`.
    private static func status(_ v: Any?) -> String? {
        JSONValue.string(v) ?? JSONValue.string(JSONValue.object(v)?["status"])
    }

    // MARK: v1 traffic stats

    private static func trafficStats(_ t: [String: Any], path: String, at: (String) -> SourceLocation) throws -> [PostmasterValue] {
        let name = JSONValue.string(t["name"]) ?? ""
        let domain = try self.domain(of: t["name"], kind: "trafficStats", at: at(path + "name"))
        let stamp = name.split(separator: "/").last.map(String.init) ?? ""
        guard stamp.count == 8, let y = Int(stamp.prefix(4)), let m = Int(stamp.dropFirst(4).prefix(2)), let d = Int(stamp.suffix(2)),
              let day = CalendarDay(year: y, month: m, day: d) else {
            throw ReportError("does not end in a date YYYYMMDD within \(InputLimits.timeRange)", at: at(path + "name"))
        }
        var out: [PostmasterValue] = []
        func rate(_ field: String, _ metric: String) throws {
            guard let raw = t[field] else { return }
            guard let n = number(raw) else { throw ReportError("is not a number", at: at(path + field)) }
            out.append(PostmasterValue(domain: domain, day: day, metric: metric, value: n, location: at(path + field)))
        }
        try rate("userReportedSpamRatio", "SPAM_RATE")
        try rate("spfSuccessRatio", "AUTH_SUCCESS_RATE:spf")
        try rate("dkimSuccessRatio", "AUTH_SUCCESS_RATE:dkim")
        try rate("dmarcSuccessRatio", "AUTH_SUCCESS_RATE:dmarc")
        try rate("inboundEncryptionRatio", "TLS_ENCRYPTION_RATE:inbound")
        try rate("outboundEncryptionRatio", "TLS_ENCRYPTION_RATE:outbound")
        if let reputation = JSONValue.string(t["domainReputation"]) {
            out.append(PostmasterValue(domain: domain, day: day, metric: "DOMAIN_REPUTATION", text: reputation, location: at(path + "domainReputation")))
        }
        for (i, e) in (JSONValue.array(t["deliveryErrors"]) ?? []).enumerated() {
            let p = "\(path)deliveryErrors[\(i)]"
            guard let e = JSONValue.object(e), let type = JSONValue.string(e["errorType"]) else { throw ReportError("is missing", at: at(p + ".errorType")) }
            guard let n = number(e["errorRatio"]) else { throw ReportError("is not a number", at: at(p + ".errorRatio")) }
            out.append(PostmasterValue(domain: domain, day: day, metric: "DELIVERY_ERROR_RATE:\(type.lowercased())", value: n, location: at(p)))
        }
        for (i, f) in (JSONValue.array(t["spammyFeedbackLoops"]) ?? []).enumerated() {
            let p = "\(path)spammyFeedbackLoops[\(i)]"
            guard let f = JSONValue.object(f), let id = JSONValue.string(f["id"]) else { throw ReportError("is missing", at: at(p + ".id")) }
            guard let n = number(f["spamRatio"]) else { throw ReportError("is not a number", at: at(p + ".spamRatio")) }
            out.append(PostmasterValue(domain: domain, day: day, metric: "FEEDBACK_LOOP_SPAM_RATE:\(id.lowercased())", value: n, location: at(p)))
        }
        return out
    }
}
