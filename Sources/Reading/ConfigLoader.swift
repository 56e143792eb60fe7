import Foundation
import ReportCore
import Yams

/// Reads and validates `report.yml` (`inputs.md` §4). Every key is checked: an unknown key is an error with
/// its line, so a typo (`treshold:`) never silently falls back to a default.
public enum ConfigLoader {
    public static let fileName = "report.yml"

    /// Size, aliases and nesting, checked on the text before Yams builds anything (`InputLimits`): an alias
    /// bomb (aliases of aliases, or an alias used as a key) would otherwise take exponential time and memory.
    private static let valueStart: Set<UInt8> = [0x20, 0x0A, 0x09, 0x3A, 0x2C, 0x5B, 0x7B]

    static func checkBounds(_ text: String, file: String) throws {
        guard text.utf8.count <= InputLimits.configBytes else {
            throw ReportError("is larger than \(InputLimits.configBytes >> 20) MB", at: SourceLocation(file: file))
        }
        var aliases = 0, line = 1, depth = 0, inQuote: UInt8? = nil, previous: UInt8 = 0x0A, comment = false
        for c in text.utf8 {
            if c == 0x0A { line += 1; comment = false; previous = c; continue }
            if comment { continue }
            if let q = inQuote {
                if c == q { inQuote = nil }
                previous = c
                continue
            }
            switch c {
            case 0x23 where previous == 0x20 || previous == 0x0A || previous == 0x09: comment = true  // #
            // A quote opens a quoted scalar only where a value starts (after a space, `:`, `,`, `[`, `{`, or at a
            // line's start); inside a word (`it's`) it is text.
            case 0x22 where Self.valueStart.contains(previous), 0x27 where Self.valueStart.contains(previous): inQuote = c
            case 0x2A where [0x20, 0x0A, 0x09, 0x2C, 0x5B, 0x7B, 0x3A, 0x2D].contains(previous):  // * starting an alias
                aliases += 1
                if aliases > InputLimits.configAliases {
                    throw ReportError("has more than \(InputLimits.configAliases) YAML aliases (*name)", at: SourceLocation(file: file, line: line))
                }
            case 0x5B, 0x7B:
                depth += 1
                if depth > InputLimits.configDepth {
                    throw ReportError("nests deeper than \(InputLimits.configDepth) levels", at: SourceLocation(file: file, line: line))
                }
            case 0x5D, 0x7D: depth = max(0, depth - 1)
            default: break
            }
            previous = c
        }
        // Block nesting: indentation of 2 spaces or more per level; 64 levels need 128 spaces at least.
        for (i, l) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let indent = l.prefix { $0 == " " }.count
            if indent > InputLimits.configDepth * 4 {
                throw ReportError("nests deeper than \(InputLimits.configDepth) levels", at: SourceLocation(file: file, line: i + 1))
            }
        }
    }

    public static func load(projectAt root: URL) throws -> ReportConfig {
        let url = root.appending(path: fileName)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw ReportError("not found: a report project needs a report.yml (run `inbox-report init` to start one)", at: SourceLocation(file: fileName))
        }
        var st = stat()
        guard stat(url.path, &st) == 0, st.st_mode & S_IFMT == S_IFREG else {
            throw ReportError("is not a regular file", at: SourceLocation(file: fileName))
        }
        guard Int(st.st_size) <= InputLimits.configBytes else {
            throw ReportError("is larger than \(InputLimits.configBytes >> 20) MB", at: SourceLocation(file: fileName))
        }
        guard let data = FileManager.default.contents(atPath: url.path), let text = String(data: data, encoding: .utf8) else {
            throw ReportError("cannot be read as UTF-8 text", at: SourceLocation(file: fileName))
        }
        return try parse(text)
    }

    public static func parse(_ text: String, file: String = fileName) throws -> ReportConfig {
        try checkBounds(text, file: file)
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw ReportError("is not valid YAML: \(yamlMessage(error))", at: SourceLocation(file: file, line: yamlLine(error)))
        }
        var config = ReportConfig()
        guard let node else { return config }
        let reader = NodeReader(file: file)
        let top = try reader.mapping(node, "the top level")
        for (key, value) in top {
            switch key.keyText {
            case "title": config.title = try reader.string(value, "title")
            case "language":
                let lang = try reader.string(value, "language")
                guard ["en", "sv"].contains(lang) else { throw reader.error(value, "language", "\"\(lang)\" is not one of en, sv") }
                config.language = lang
            case "timezone":
                let id = try reader.string(value, "timezone")
                guard let zone = TimeZone(identifier: id) else {
                    throw reader.error(value, "timezone", "\"\(id)\" is not a time zone (use an IANA name such as Europe/Stockholm)")
                }
                config.timeZone = zone
                config.timeZoneName = id
            case "base_url": config.baseURL = try reader.string(value, "base_url")
            case "trusted_notes": config.trustedNotes = try reader.bool(value, "trusted_notes")
            case "programs": config.programs = try programs(value, reader)
            case "thresholds": config.thresholds = try thresholds(value, reader)
            case "reactivation":
                for (k, v) in try reader.mapping(value, "reactivation") {
                    switch k.keyText {
                    case "response_window_days":
                        config.responseWindowDays = try reader.positiveInt(v, "reactivation.response_window_days")
                    case "winback_response_window_days":
                        config.responseWindowDaysByKind[.winback] = try reader.positiveInt(v, "reactivation.winback_response_window_days")
                    case "reactivation_response_window_days":
                        config.responseWindowDaysByKind[.reactivation] = try reader.positiveInt(v, "reactivation.reactivation_response_window_days")
                    default:
                        throw reader.unknown(k, in: "reactivation", known: ["response_window_days", "winback_response_window_days", "reactivation_response_window_days"])
                    }
                }
            case "campaign_programs":
                for (k, v) in try reader.mapping(value, "campaign_programs") {
                    config.campaignPrograms.append((k.keyText, try reader.string(v, "campaign_programs.\(k.keyText)")))
                }
            case "inputs": config.inputs = try inputs(value, reader)
            case "tiers":
                let known = ["active", "warm", "cooling", "at_risk", "new"]
                for (k, v) in try reader.mapping(value, "tiers") {
                    guard known.contains(k.keyText) else { throw reader.unknown(k, in: "tiers", known: known) }
                    config.tierDays[k.keyText] = try reader.positiveInt(v, "tiers.\(k.keyText)")
                }
            case "experiments": config.experiments = try ExperimentsConfig.parse(value, reader)
            default:
                throw reader.unknown(key, in: "report.yml", known: [
                    "title", "language", "timezone", "base_url", "trusted_notes", "programs", "thresholds",
                    "reactivation", "campaign_programs", "inputs", "tiers", "experiments",
                ])
            }
        }
        return config
    }

    static func programs(_ node: Node, _ reader: NodeReader) throws -> [ProgramConfig] {
        var out: [ProgramConfig] = []
        for (k, v) in try reader.mapping(node, "programs") {
            var program = ProgramConfig(slug: k.keyText)
            guard Slug.isValid(k.keyText) else {
                throw reader.error(k, "programs", "\"\(k.keyText)\" is not a program slug (lower-case letters, digits and -)")
            }
            if case .scalar(let s) = v, s.string.isEmpty { out.append(program); continue }
            for (pk, pv) in try reader.mapping(v, "programs.\(k.keyText)") {
                switch pk.keyText {
                case "name": program.name = try reader.string(pv, "name")
                case "goals":
                    for (gk, gv) in try reader.mapping(pv, "goals") {
                        guard let kpi = KPI(rawValue: gk.keyText) else {
                            throw reader.unknown(gk, in: "programs.\(k.keyText).goals", known: KPI.allCases.map(\.rawValue))
                        }
                        program.goals[kpi] = try reader.fraction(gv, "goals.\(gk.keyText)")
                    }
                default:
                    throw reader.unknown(pk, in: "programs.\(k.keyText)", known: ["name", "goals"])
                }
            }
            out.append(program)
        }
        return out
    }

    static func thresholds(_ node: Node, _ reader: NodeReader) throws -> Thresholds {
        var t = Thresholds()
        func band(_ v: Node, _ name: String, _ b: inout Band) throws {
            for (k, x) in try reader.mapping(v, name) {
                switch k.keyText {
                case "warning": b.warning = try reader.fraction(x, "\(name).warning")
                case "critical": b.critical = try reader.fraction(x, "\(name).critical")
                default: throw reader.unknown(k, in: "thresholds.\(name)", known: ["warning", "critical"])
                }
            }
        }
        /// `{warning: x}` with x in `range`.
        func factor(_ v: Node, _ name: String, _ range: ClosedRange<Double>) throws -> Double {
            var out: Double?
            for (k, x) in try reader.mapping(v, name) {
                guard k.keyText == "warning" else { throw reader.unknown(k, in: "thresholds.\(name)", known: ["warning"]) }
                let d = try reader.number(x, "\(name).warning")
                guard range.contains(d) else {
                    throw reader.error(x, "\(name).warning", "must be from \(range.lowerBound.formatted()) to \(range.upperBound.formatted())")
                }
                out = d
            }
            guard let out else { throw reader.error(v, name, "needs a warning: value") }
            return out
        }
        for (k, v) in try reader.mapping(node, "thresholds") {
            switch k.keyText {
            case "complaint_rate": try band(v, "complaint_rate", &t.complaintRate)
            case "hard_bounce_rate": try band(v, "hard_bounce_rate", &t.hardBounceRate)
            case "inactive_share": try band(v, "inactive_share", &t.inactiveShare)
            // A spike is a multiple above 1, a drop a fraction below 1; a week holds at most 1,000 messages.
            case "unsubscribe_spike": t.unsubscribeSpike = try factor(v, "unsubscribe_spike", 1...100)
            case "human_open_drop": t.humanOpenDrop = try factor(v, "human_open_drop", 0...1)
            case "messages_per_week":
                let n = try factor(v, "messages_per_week", 1...1000)
                guard n == n.rounded() else { throw reader.error(v, "messages_per_week", "must be a whole number") }
                t.messagesPerWeek = Int(n)
            case "low_volume_delivered":
                // Replaced by each rate's own interval: a fixed cut treated 999 and 100,000 messages alike at 0.1 %.
                throw reader.error(k, "thresholds.low_volume_delivered", "is no longer used: each rate is now judged by its 95 % interval (\"too few to judge\", docs/metrics.md); remove this line")
            case "unsubscribe_spike_from_zero": t.unsubscribeSpikeFromZero = try reader.positiveInt(v, "thresholds.unsubscribe_spike_from_zero")
            default:
                throw reader.unknown(k, in: "thresholds", known: [
                    "complaint_rate", "hard_bounce_rate", "unsubscribe_spike", "human_open_drop", "inactive_share",
                    "messages_per_week", "unsubscribe_spike_from_zero",
                ])
            }
        }
        return t
    }

    static func inputs(_ node: Node, _ reader: NodeReader) throws -> [InputRule] {
        guard case .sequence(let items) = node else { throw reader.error(node, "inputs", "must be a list of {path, format, …} entries") }
        var out: [InputRule] = []
        for item in items {
            var rule = InputRule(path: "", location: reader.location(item, "inputs"))
            for (k, v) in try reader.mapping(item, "inputs") {
                switch k.keyText {
                case "path": rule.path = try reader.string(v, "inputs.path")
                case "format":
                    let name = try reader.string(v, "inputs.format")
                    guard let format = InputFormat(rawValue: name) else {
                        throw reader.error(v, "inputs.format", "\"\(name)\" is not one of \(InputFormat.allCases.map(\.rawValue).joined(separator: ", "))")
                    }
                    rule.format = format
                case "campaign_field": rule.campaignField = try reader.string(v, "inputs.campaign_field")
                case "columns":
                    for (ck, cv) in try reader.mapping(v, "inputs.columns") {
                        let target = try reader.string(cv, "inputs.columns")
                        let known = Set(Columns.campaignFields.values).union(Columns.eventFields.values)
                        guard known.contains(target) else {
                            throw reader.error(cv, "inputs.columns", "\"\(target)\" is not a column of campaign results or recipient events")
                        }
                        rule.columns[ck.keyText] = target
                    }
                default:
                    throw reader.unknown(k, in: "inputs", known: ["path", "format", "campaign_field", "columns"])
                }
            }
            guard !rule.path.isEmpty else { throw reader.error(item, "inputs", "an entry needs a path: glob") }
            out.append(rule)
        }
        return out
    }

    static func yamlLine(_ error: YamlError) -> Int? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            return mark.line
        default:
            return nil
        }
    }

    static func yamlMessage(_ error: YamlError) -> String {
        switch error {
        case .scanner(let context, let problem, _, _), .parser(let context, let problem, _, _),
            .composer(let context, let problem, _, _):
            return [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
        default:
            return String(describing: error)
        }
    }
}

/// Typed access to YAML nodes with errors that carry the file and line.
struct NodeReader {
    let file: String

    func location(_ node: Node, _ key: String) -> SourceLocation {
        SourceLocation(file: file, line: node.mark?.line, field: key)
    }

    func error(_ node: Node, _ key: String, _ message: String) -> ReportError {
        ReportError(message, at: location(node, key))
    }

    func unknown(_ key: Node, in section: String, known: [String]) -> ReportError {
        ReportError("unknown key \"\(key.keyText)\" in \(section) (known: \(known.joined(separator: ", ")))",
                    at: SourceLocation(file: file, line: key.mark?.line))
    }

    func mapping(_ node: Node, _ key: String) throws -> [(key: Node, value: Node)] {
        guard case .mapping(let m) = node else { throw error(node, key, "must be a mapping of keys to values") }
        return Array(m)
    }

    func string(_ node: Node, _ key: String) throws -> String {
        guard case .scalar(let s) = node else { throw error(node, key, "must be a text value") }
        return s.string
    }

    func number(_ node: Node, _ key: String) throws -> Double {
        guard case .scalar(let s) = node, let d = Double(s.string.replacingOccurrences(of: "_", with: "")), d.isFinite else {
            throw error(node, key, "must be a number")
        }
        return d
    }

    /// A rate written as a fraction (`0.25`) or a percentage (`25%`).
    func fraction(_ node: Node, _ key: String) throws -> Double {
        guard case .scalar(let s) = node else { throw error(node, key, "must be a number") }
        let text = s.string.trimmingCharacters(in: .whitespaces)
        if text.hasSuffix("%"), let p = Double(text.dropLast().trimmingCharacters(in: .whitespaces)), p >= 0, p <= 100 {
            return p / 100
        }
        guard let d = Double(text), d >= 0, d <= 1 else {
            throw error(node, key, "\"\(text)\" must be a fraction from 0 to 1 (0.25) or a percentage (25%)")
        }
        return d
    }

    func positiveInt(_ node: Node, _ key: String) throws -> Int {
        // Days, counts and windows: a million is past any real value and far from overflowing a date.
        guard case .scalar(let s) = node, let n = Int(s.string), n > 0, n <= 1_000_000 else {
            throw error(node, key, "must be a whole number from 1 to 1,000,000")
        }
        return n
    }

    func bool(_ node: Node, _ key: String) throws -> Bool {
        guard case .scalar(let s) = node else { throw error(node, key, "must be true or false") }
        switch s.string.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw error(node, key, "must be true or false")
        }
    }
}

extension Node {
    /// The key's text (keys are scalars in every file this reads).
    var keyText: String { string ?? "" }
}
