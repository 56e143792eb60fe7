import Foundation
import ReportCore

/// What happened to one targeted recipient of a win-back or re-activation send, in order of precedence
/// (`metrics.md`, *Re-activation and win-back outcomes*): the first that applies within the response window.
public enum Outcome: Int, Sendable, CaseIterable, Codable {
    case bounced, complained, unsubscribed, reEngaged, openedUnverified, noResponse

    public var key: String {
        switch self {
        case .bounced: return "bounced"
        case .complained: return "complained"
        case .unsubscribed: return "unsubscribed"
        case .reEngaged: return "re_engaged"
        case .openedUnverified: return "opened_unverified"
        case .noResponse: return "no_response"
        }
    }

    /// Everyone but the re-engaged is to be suppressed; the *opened, unverified* are listed with that outcome, so
    /// the user decides (their opens may be a privacy proxy's prefetch).
    public var suppress: Bool { self != .reEngaged }

    /// The outcome of one recipient's message for a send, given the window [sent, windowEnd] (both included).
    /// A hard bounce beats everything (the address is dead), then a complaint, then an unsubscribe, then a
    /// person's engagement (`Message.isEngaged`: a machine-only open is not one), then an open without a
    /// signal, which is shown apart and never counted as re-engagement.
    public static func of(_ m: Message, windowEnd: Double) -> (Outcome, decidedAt: Double?) {
        func inWindow(_ t: UInt32) -> Bool { t != 0 && Double(t) <= windowEnd }
        if m.isHardBounce && inWindow(m.hardBounceAt) { return (.bounced, Double(m.hardBounceAt)) }
        if inWindow(m.complaintAt) { return (.complained, Double(m.complaintAt)) }
        if inWindow(m.unsubscribeAt) { return (.unsubscribed, Double(m.unsubscribeAt)) }
        if inWindow(m.firstEngagedAt) { return (.reEngaged, Double(m.firstEngagedAt)) }
        if inWindow(m.firstUnverifiedOpenAt) { return (.openedUnverified, Double(m.firstUnverifiedOpenAt)) }
        return (.noResponse, nil)
    }
}

/// The outcomes of one win-back or re-activation send.
public struct ReactivationResult: Sendable, Codable {
    public var campaign: String
    public var windowEnd: Date
    /// The window is still open at the newest data: the counts are provisional.
    public var pending: Bool
    /// The send's messages: `targeted` went out, some were delivered.
    public var messages = MessageTally()
    public var targeted: Int { messages.wentOut }
    public var delivered: Int { messages.delivered }
    /// Counts by `Outcome.rawValue`.
    public var outcomes = [Int](repeating: 0, count: Outcome.allCases.count)
    /// No-response recipients who engaged in the 90 days after the window: what suppressing them would lose.
    public var lateEngagers = 0
    /// How long after the window a no-response recipient's engagement counts as late (days).
    public static let lateDays = 90

    public init(campaign: String, windowEnd: Date, pending: Bool) {
        self.campaign = campaign
        self.windowEnd = windowEnd
        self.pending = pending
    }

    public func count(_ o: Outcome) -> Int { outcomes[o.rawValue] }
    public func share(_ o: Outcome) -> Double? { targeted > 0 ? Double(outcomes[o.rawValue]) / Double(targeted) : nil }
}

/// One recipient to suppress, for `export suppressions` only: personal data, never written into the site.
public struct Suppression: Sendable {
    public var recipient: String
    public var outcome: Outcome
    public var decidedAt: Date
}

extension EventAccumulator {
    /// Outcomes of each win-back or re-activation send (by id, with the end of its response window), each shard
    /// counting its own recipients.
    public func reactivation(windows: [String: Double], newest: Double, lateDays: Int) -> [String: ReactivationResult] {
        guard !windows.isEmpty else { return [:] }
        let index = campaignIndex()
        var results: [String: ReactivationResult] = [:]
        for (id, end) in windows where index.byID[id] != nil {
            results[id] = ReactivationResult(campaign: id, windowEnd: Date(timeIntervalSince1970: end), pending: end > newest)
        }
        let evidence = index.campaigns.map(\.evidence)
        let parts = perShard { i, shard in
            shard.reactivation(empty: results, evidence: index.global[i].map { evidence[$0] }, lateDays: lateDays)
        }
        for part in parts {
            for (id, r) in part {
                results[id]!.messages += r.messages
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
    func reactivation(empty: [String: ReactivationResult], evidence: [SendEvidence], lateDays: Int) -> [String: ReactivationResult] {
        // Each of this shard's sends (by campaign index) to its place in `found`, -1 for a regular send: the
        // walk below visits every message, and looks its send up in an array, not a dictionary.
        var found: [ReactivationResult] = []
        var slot = [Int](repeating: -1, count: campaigns.count)
        for (id, r) in empty {
            if let c = campaignIDs.lookup(id) {
                slot[Int(c)] = found.count
                found.append(r)
            }
        }
        guard !found.isEmpty else { return [:] }
        let windowEnds = found.map { $0.windowEnd.timeIntervalSince1970 }
        // The walk visits every message of the shard: its counts go into flat arrays of plain values (an
        // outcome count inside each result's own array cost a uniqueness check and a retain per message).
        let kinds = Outcome.allCases.count
        var tallies = [MessageTally](repeating: MessageTally(), count: found.count)
        var outcomes = [Int](repeating: 0, count: found.count * kinds)
        var silent: [(send: Int, recipient: Int32)] = []  // the no-response messages
        let pairs = self.pairs
        tallies.withUnsafeMutableBufferPointer { tallies in
            outcomes.withUnsafeMutableBufferPointer { outcomes in
                slot.withUnsafeBufferPointer { slot in
                    evidence.withUnsafeBufferPointer { evidence in
                        windowEnds.withUnsafeBufferPointer { windowEnds in
                            pairs.forEach { c, r, m in
                                let i = slot[Int(c)]
                                guard i >= 0, m.wentOut else { return }
                                tallies[i].add(m, in: evidence[Int(c)])
                                let (outcome, _) = Outcome.of(m, windowEnd: windowEnds[i])
                                outcomes[i * kinds + outcome.rawValue] += 1
                                if outcome == .noResponse { silent.append((i, r)) }
                            }
                        }
                    }
                }
            }
        }
        for i in found.indices {
            found[i].messages = tallies[i]
            found[i].outcomes = Array(outcomes[(i * kinds)..<((i + 1) * kinds)])
        }
        // Late engagers: a person's engagement with any of the sender's mail in the 90 days after the window.
        // Engagement is kept by the hour, so an hour that ends after the window counts as after it.
        // Only the hours of the no-response recipients are gathered, not an index of all; who they are is a bit
        // per recipient (every engagement hour of the shard is checked against it). The hours are kept as the set
        // keeps them, recipient << 32 | hour, and sorted, so each recipient's are one run found by halving (a
        // dictionary of arrays cost a retain, a release and a hash per hour: 70 % of this walk's time).
        var hours: [UInt64] = []
        var wanted = [UInt64](repeating: 0, count: (recipients.count + 63) / 64)
        for (_, r) in silent { wanted[Int(r) >> 6] |= 1 << UInt64(Int(r) & 63) }
        if !silent.isEmpty {
            engagementHours.forEach { v in
                let r = Int(truncatingIfNeeded: v >> 32)
                if wanted[r >> 6] & (1 << UInt64(r & 63)) != 0 { hours.append(v) }
            }
            hours.sort()
        }
        for (i, r) in silent {
            let from = windowEnds[i], to = from + Double(lateDays) * 86400
            let key = UInt64(UInt32(bitPattern: r))
            var lo = 0, hi = hours.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if hours[mid] >> 32 < key { lo = mid + 1 } else { hi = mid }
            }
            while lo < hours.count, hours[lo] >> 32 == key {
                let h = UInt32(truncatingIfNeeded: hours[lo])
                if Double(h + 1) * 3600 > from && Double(h) * 3600 <= to {
                    found[i].lateEngagers += 1
                    break
                }
                lo += 1
            }
        }
        return Dictionary(found.map { ($0.campaign, $0) }, uniquingKeysWith: { a, _ in a })
    }

    func suppressions(campaign id: String, windowEnd end: Double) -> [Suppression] {
        guard let c = campaignIDs.lookup(id) else { return [] }
        var out: [Suppression] = []
        pairs.forEach { pc, r, m in
            guard pc == c, m.wentOut else { return }
            let (outcome, decided) = Outcome.of(m, windowEnd: end)
            guard outcome.suppress else { return }
            out.append(Suppression(recipient: recipients.string(r), outcome: outcome, decidedAt: Date(timeIntervalSince1970: decided ?? end)))
        }
        return out
    }
}
