import ReportCore
import Yams

/// `experiments:` in report.yml: each key a slug, each value a frequency or subject-line test. Every mistake
/// that would make a comparison meaningless is an error naming the key and its line: no cohort or one cohort,
/// a control that is not a cohort, two cohorts matched by the same rule, a test with one variant.
enum ExperimentsConfig {
    static func parse(_ node: Node, _ reader: NodeReader) throws -> [ExperimentConfig] {
        var out: [ExperimentConfig] = []
        for (k, v) in try reader.mapping(node, "experiments") {
            let slug = k.keyText
            let at = "experiments.\(slug)"
            guard Slug.isValid(slug) else {
                throw reader.error(k, "experiments", "\"\(slug)\" is not an experiment slug (lower-case letters, digits and -)")
            }
            var fields: [String: Node] = [:]
            for (fk, fv) in try reader.mapping(v, at) {
                let known = ["type", "title", "program", "from", "through", "control", "cohorts", "variants", "test", "metric"]
                guard known.contains(fk.keyText) else { throw reader.unknown(fk, in: at, known: known) }
                fields[fk.keyText] = fv
            }
            guard let typeNode = fields["type"] else { throw reader.error(k, at, "needs a type: frequency or subject_line") }
            let title = try fields["title"].map { try reader.string($0, "\(at).title") } ?? slug
            let location = reader.location(k, at)
            func only(_ allowed: [String], _ type: String) throws {
                for name in fields.keys.sorted() where !allowed.contains(name) {
                    throw reader.error(fields[name]!, "\(at).\(name)", "does not apply to a \(type) test (its keys: \(allowed.joined(separator: ", ")))")
                }
            }
            switch try reader.string(typeNode, "\(at).type") {
            case "frequency":
                try only(["type", "title", "program", "from", "through", "control", "cohorts"], "frequency")
                out.append(ExperimentConfig(slug: slug, title: title, kind: .frequency(try frequency(fields, k, at, reader)), location: location))
            case "subject_line", "content":
                try only(["type", "title", "variants", "test", "metric"], "subject-line")
                out.append(ExperimentConfig(slug: slug, title: title, kind: .subjectLine(try subjectLine(fields, k, at, reader)), location: location))
            case let other:
                throw reader.error(typeNode, "\(at).type", "\"\(other)\" is not one of frequency, subject_line")
            }
        }
        return out
    }

    static func week(_ node: Node?, _ parent: Node, _ key: String, _ reader: NodeReader) throws -> ISOWeek {
        guard let node else { throw reader.error(parent, key, "needs an ISO week (2026-W38)") }
        let text = try reader.string(node, key)
        guard let w = ISOWeek(text) else { throw reader.error(node, key, "\"\(InputLimits.quoted(text))\" is not an ISO week such as 2026-W38") }
        return w
    }

    static func frequency(_ fields: [String: Node], _ parent: Node, _ at: String, _ reader: NodeReader) throws -> FrequencyTest {
        let from = try week(fields["from"], parent, "\(at).from", reader)
        let through = try week(fields["through"], parent, "\(at).through", reader)
        guard from <= through else { throw reader.error(fields["through"]!, "\(at).through", "\(through) is before from: \(from)") }
        guard let cohortsNode = fields["cohorts"] else {
            throw reader.error(parent, at, "names no cohorts: a frequency test needs cohorts: with at least two")
        }
        var cohorts: [Cohort] = []
        switch cohortsNode {
        case .sequence(let items):
            // A list of names: each matched by the experiment_group column.
            for item in items {
                let name = try reader.string(item, "\(at).cohorts")
                cohorts.append(Cohort(name: name, rule: .group(name), location: reader.location(item, "\(at).cohorts")))
            }
        case .mapping:
            for (ck, cv) in try reader.mapping(cohortsNode, "\(at).cohorts") {
                let name = ck.keyText, key = "\(at).cohorts.\(name)"
                var rule = Cohort.Rule.group(name)
                if case .scalar(let s) = cv, s.string.isEmpty {
                    // `once:` alone: the experiment_group column says who is in it.
                } else {
                    let entries = try reader.mapping(cv, key)
                    guard entries.count == 1, let (rk, rv) = entries.first else {
                        throw reader.error(cv, key, "needs exactly one of campaigns:, segment: or group:")
                    }
                    switch rk.keyText {
                    case "campaigns":
                        if case .sequence(let ps) = rv { rule = .campaigns(try ps.map { try reader.string($0, "\(key).campaigns") }) }
                        else { rule = .campaigns([try reader.string(rv, "\(key).campaigns")]) }
                    case "segment": rule = .segment(try reader.string(rv, "\(key).segment"))
                    case "group": rule = .group(try reader.string(rv, "\(key).group"))
                    default: throw reader.unknown(rk, in: key, known: ["campaigns", "segment", "group"])
                    }
                }
                cohorts.append(Cohort(name: name, rule: rule, location: reader.location(ck, key)))
            }
        default:
            throw reader.error(cohortsNode, "\(at).cohorts", "must be a list of cohort names or a mapping of cohorts to their sends")
        }
        guard cohorts.count >= 2 else {
            throw reader.error(cohortsNode, "\(at).cohorts", cohorts.isEmpty ? "names no cohort: a frequency test needs at least two"
                               : "names one cohort (\(cohorts[0].name)): a frequency test compares at least two")
        }
        var seen: [String: Cohort] = [:]
        for c in cohorts {
            if let earlier = seen[c.name] { throw ReportError("cohort \"\(c.name)\" is named twice (first at line \(earlier.location.line ?? 0))", at: c.location) }
            seen[c.name] = c
        }
        // Two cohorts with the same rule would count the same sends twice.
        for (i, a) in cohorts.enumerated() {
            for b in cohorts[(i + 1)...] where a.rule == b.rule || overlaps(a.rule, b.rule) {
                throw ReportError("cohorts \"\(a.name)\" and \"\(b.name)\" overlap: they match the same sends (\(describe(a.rule))); each send goes to one cohort", at: b.location)
            }
        }
        guard let controlNode = fields["control"] else {
            throw reader.error(parent, at, "needs a control: the cohort the others are compared with (one of \(cohorts.map(\.name).joined(separator: ", ")))")
        }
        let control = try reader.string(controlNode, "\(at).control")
        guard cohorts.contains(where: { $0.name == control }) else {
            throw reader.error(controlNode, "\(at).control", "\"\(InputLimits.quoted(control))\" is not one of the cohorts (\(cohorts.map(\.name).joined(separator: ", ")))")
        }
        let program = try fields["program"].map { try reader.string($0, "\(at).program") }
        return FrequencyTest(program: program, from: from, through: through, control: control, cohorts: cohorts)
    }

    /// Campaign patterns that one id can match both of: the same pattern, or a literal id matched by the other.
    static func overlaps(_ a: Cohort.Rule, _ b: Cohort.Rule) -> Bool {
        guard case .campaigns(let pa) = a, case .campaigns(let pb) = b else { return false }
        for x in pa { for y in pb where x == y || (!isPattern(x) && Glob.matches(y, x)) || (!isPattern(y) && Glob.matches(x, y)) { return true } }
        return false
    }

    static func isPattern(_ s: String) -> Bool { s.contains("*") || s.contains("?") }

    static func describe(_ r: Cohort.Rule) -> String {
        switch r {
        case .campaigns(let p): return "campaigns " + p.joined(separator: ", ")
        case .segment(let s): return "segment \(s)"
        case .group(let g): return "experiment_group \(g)"
        }
    }

    static func subjectLine(_ fields: [String: Node], _ parent: Node, _ at: String, _ reader: NodeReader) throws -> SubjectLineTest {
        let metric: KPI
        if let m = fields["metric"] {
            let text = try reader.string(m, "\(at).metric")
            guard let kpi = KPI(rawValue: text) else {
                throw reader.error(m, "\(at).metric", "\"\(InputLimits.quoted(text))\" is not a rate (e.g. human_open_rate, click_rate)")
            }
            metric = kpi
        } else {
            metric = .humanOpenRate
        }
        switch (fields["variants"], fields["test"]) {
        case (let v?, nil):
            guard case .sequence(let items) = v else { throw reader.error(v, "\(at).variants", "must be a list of campaign ids, the first the baseline") }
            let ids = try items.map { try reader.string($0, "\(at).variants") }
            guard ids.count >= 2 else {
                throw reader.error(v, "\(at).variants", ids.isEmpty ? "names no variant: a subject-line test compares at least two sends" : "names one variant: a subject-line test compares at least two sends")
            }
            if let dup = ids.first(where: { id in ids.filter { $0 == id }.count > 1 }) {
                throw reader.error(v, "\(at).variants", "names \"\(dup)\" twice")
            }
            return SubjectLineTest(variants: .campaigns(ids), metric: metric)
        case (nil, let t?):
            return SubjectLineTest(variants: .test(try reader.string(t, "\(at).test")), metric: metric)
        case (_?, _?):
            throw reader.error(fields["test"]!, "\(at).test", "give variants: or test:, not both")
        case (nil, nil):
            throw reader.error(parent, at, "names no variants: give variants: [campaign ids] or test: (the test column of the campaign rows)")
        }
    }
}
