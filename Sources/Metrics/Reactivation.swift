import Foundation
import ReportCore

/// What happened to one targeted recipient of a win-back or re-activation send, in order of precedence
/// (`metrics.md`, *Re-activation and win-back outcomes*): the first that applies within the response window.
public enum Outcome: Int, Sendable, CaseIterable {
    case bounced, complained, unsubscribed, reEngaged, noResponse

    public var key: String {
        switch self {
        case .bounced: return "bounced"
        case .complained: return "complained"
        case .unsubscribed: return "unsubscribed"
        case .reEngaged: return "re_engaged"
        case .noResponse: return "no_response"
        }
    }

    /// Everyone but the re-engaged is to be suppressed.
    public var suppress: Bool { self != .reEngaged }

    /// The outcome of one recipient's record for a send, given the window [sent, windowEnd] (both included).
    /// A hard bounce beats everything (the address is dead), then a complaint, then an unsubscribe, then
    /// positive engagement (a human open, click, reply or forward: a machine-only open is not one).
    static func of(_ s: PairState, windowEnd: Double) -> (Outcome, decidedAt: Double?) {
        func inWindow(_ t: UInt32) -> Bool { t != 0 && Double(t) <= windowEnd }
        if inWindow(s.hardBounce) { return (.bounced, Double(s.hardBounce)) }
        if inWindow(s.complaint) { return (.complained, Double(s.complaint)) }
        if inWindow(s.unsubscribe) { return (.unsubscribed, Double(s.unsubscribe)) }
        if inWindow(s.firstPositive) { return (.reEngaged, Double(s.firstPositive)) }
        return (.noResponse, nil)
    }
}

/// The outcomes of one win-back or re-activation send.
public struct ReactivationResult: Sendable {
    public var campaign: String
    public var windowEnd: Date
    /// The window is still open at the newest data: the counts are provisional.
    public var pending: Bool
    /// Recipients the send was sent to (attempted), and delivered to.
    public var targeted: Int
    public var delivered: Int
    /// Counts by `Outcome.rawValue`.
    public var outcomes: [Int]
    /// No-response recipients who engaged in the 90 days after the window: what suppressing them would lose.
    public var lateEngagers: Int

    public func count(_ o: Outcome) -> Int { outcomes[o.rawValue] }
    public func share(_ o: Outcome) -> Double? { targeted > 0 ? Double(outcomes[o.rawValue]) / Double(targeted) : nil }
}

/// A program's regular sends in the 4 weeks before and after a re-activation or win-back send.
public struct BeforeAfter: Sendable {
    public var campaign: String
    public var program: String
    public var before: Totals
    public var after: Totals
    /// Delivered per regular send: the list size.
    public var listSizeBefore: Double?
    public var listSizeAfter: Double?
}

/// One recipient to suppress, for `export suppressions` only: personal data, never written into the site.
public struct Suppression: Sendable {
    public var recipient: String
    public var outcome: Outcome
    public var decidedAt: Date
}

extension EventAccumulator {
    /// Outcomes of every win-back and re-activation send that has recipient events, each shard counting its
    /// own recipients.
    func reactivation(sends: [Send], newest: Double, windowDays: (SendKind) -> Int, lateDays: Int = 90) -> [String: ReactivationResult] {
        let targets = sends.filter { $0.kind != .regular && $0.source == .events }
        guard !targets.isEmpty else { return [:] }
        let index = campaignIndex()
        var results: [String: ReactivationResult] = [:]
        for s in targets where index.byID[s.id] != nil {
            let end = s.sentAt.timeIntervalSince1970 + Double(windowDays(s.kind)) * 86400
            results[s.id] = ReactivationResult(
                campaign: s.id, windowEnd: Date(timeIntervalSince1970: end), pending: end > newest,
                targeted: 0, delivered: 0, outcomes: [Int](repeating: 0, count: Outcome.allCases.count), lateEngagers: 0)
        }
        let hasDelivered = index.campaigns.map(\.hasDeliveredEvents)
        let parts = perShard { i, shard in
            shard.reactivation(empty: results, hasDelivered: index.global[i].map { hasDelivered[$0] }, lateDays: lateDays)
        }
        for part in parts {
            for (id, r) in part {
                results[id]!.targeted += r.targeted
                results[id]!.delivered += r.delivered
                results[id]!.lateEngagers += r.lateEngagers
                for k in r.outcomes.indices { results[id]!.outcomes[k] += r.outcomes[k] }
            }
        }
        return results
    }

    /// The recipients a send says to suppress (everyone but the re-engaged), with their outcome.
    public func suppressions(campaign id: String, sentAt: Date, windowDays: Int) -> [Suppression] {
        let end = sentAt.timeIntervalSince1970 + Double(windowDays) * 86400
        return perShard { _, shard in shard.suppressions(campaign: id, windowEnd: end) }.joined()
            .sorted { ($0.outcome.rawValue, $0.recipient) < ($1.outcome.rawValue, $1.recipient) }
    }
}

extension EventShard {
    /// This shard's counts for each send of `empty` (keyed by campaign id, all counts zero).
    func reactivation(empty: [String: ReactivationResult], hasDelivered: [Bool], lateDays: Int) -> [String: ReactivationResult] {
        var results: [Int32: ReactivationResult] = [:]
        for (id, r) in empty { if let c = campaignIDs.lookup(id) { results[c] = r } }
        guard !results.isEmpty else { return [:] }
        var noResponse: [Int32: [Int32]] = [:]
        pairs.forEach { c, r, state in
            guard var result = results[c] else { return }
            let f = Flags(rawValue: state.flags)
            guard f.wentOut else { return }
            result.targeted += 1
            if f.delivered(sendHasDeliveredEvents: hasDelivered[Int(c)]) {
                result.delivered += 1
            }
            let (outcome, _) = Outcome.of(state, windowEnd: result.windowEnd.timeIntervalSince1970)
            result.outcomes[outcome.rawValue] += 1
            if outcome == .noResponse { noResponse[c, default: []].append(r) }
            results[c] = result
        }
        // Late engagers: any positive engagement with the sender in the 90 days after the window. Engagement is
        // kept by the hour, so an hour that ends after the window counts as after it.
        var hoursBy: [Int32: [UInt32]] = [:]
        let wanted = Set(noResponse.values.joined())
        if !wanted.isEmpty {
            engagementDays.forEach { v in
                let r = Int32(truncatingIfNeeded: v >> 32)
                if wanted.contains(r) { hoursBy[r, default: []].append(UInt32(v & 0xFFFF_FFFF)) }
            }
        }
        for (c, recipients) in noResponse {
            guard var result = results[c] else { continue }
            let from = result.windowEnd.timeIntervalSince1970, to = from + Double(lateDays) * 86400
            result.lateEngagers = recipients.filter { r in
                (hoursBy[r] ?? []).contains { h in Double(h + 1) * 3600 > from && Double(h) * 3600 <= to }
            }.count
            results[c] = result
        }
        var out: [String: ReactivationResult] = [:]
        for r in results.values { out[r.campaign] = r }
        return out
    }

    func suppressions(campaign id: String, windowEnd end: Double) -> [Suppression] {
        guard let c = campaignIDs.lookup(id) else { return [] }
        var out: [Suppression] = []
        pairs.forEach { pc, r, state in
            guard pc == c else { return }
            let f = Flags(rawValue: state.flags)
            guard f.wentOut else { return }
            let (outcome, decided) = Outcome.of(state, windowEnd: end)
            guard outcome.suppress else { return }
            out.append(Suppression(recipient: recipients.string(r), outcome: outcome, decidedAt: Date(timeIntervalSince1970: decided ?? end)))
        }
        return out
    }
}

enum BeforeAfterRule {
    /// Regular sends of the program in the 28 days before and after the send.
    static func compute(_ send: Send, sends: [Send]) -> BeforeAfter {
        let t = send.sentAt.timeIntervalSince1970, span = 28.0 * 86400
        let regular = sends.filter { $0.program == send.program && $0.kind == .regular }
        let before = regular.filter { $0.sentAt.timeIntervalSince1970 >= t - span && $0.sentAt.timeIntervalSince1970 < t }
        let after = regular.filter { $0.sentAt.timeIntervalSince1970 > t && $0.sentAt.timeIntervalSince1970 <= t + span }
        func size(_ list: [Send]) -> Double? {
            let known = list.compactMap { $0.counts.delivered }
            return known.isEmpty ? nil : Double(known.reduce(0, +)) / Double(known.count)
        }
        return BeforeAfter(campaign: send.id, program: send.program, before: Totals(before), after: Totals(after),
                           listSizeBefore: size(before), listSizeAfter: size(after))
    }
}
