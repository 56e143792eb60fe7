import ReportCore

/// What one cohort of a frequency test did over the test's weeks, per recipient (`metrics.md`, *Experiments*).
/// A recipient is in the cohort when a message of one of its sends went out to them.
public struct CohortTally: Sendable, Hashable, Codable {
    /// Distinct recipients with at least one message of the cohort's sends that went out.
    public var recipients = 0
    /// The cohort's messages, counted by the message rules (`MessageTally`).
    public var messages = MessageTally()
    /// Per recipient: the number of messages clicked, and of messages opened by a person (human opens), as
    /// sums and sums of squares for the mean's interval.
    public var clicks = PerRecipient()
    public var humanOpens = PerRecipient()
    /// Distinct recipients who unsubscribed, complained, hard-bounced, and any of the three (lost to the list).
    public var unsubscribed = 0
    public var complained = 0
    public var hardBounced = 0
    public var lost = 0
    /// Recipients who also got messages of another cohort of the same test: counted in each.
    public var alsoInAnother = 0

    public struct PerRecipient: Sendable, Hashable, Codable {
        public var sum = 0
        public var sumOfSquares = 0
        public init(sum: Int = 0, sumOfSquares: Int = 0) {
            self.sum = sum
            self.sumOfSquares = sumOfSquares
        }
    }

    public init() {}

    mutating func add(_ o: CohortTally) {
        recipients += o.recipients
        messages += o.messages
        clicks.sum += o.clicks.sum; clicks.sumOfSquares += o.clicks.sumOfSquares
        humanOpens.sum += o.humanOpens.sum; humanOpens.sumOfSquares += o.humanOpens.sumOfSquares
        unsubscribed += o.unsubscribed; complained += o.complained; hardBounced += o.hardBounced; lost += o.lost
        alsoInAnother += o.alsoInAnother
    }
}

extension EventAccumulator {
    /// Each cohort's tally, given which cohort each send went to (campaign id → cohort index; sends of no cohort
    /// are left out). Each shard walks its own messages; the parts add up because a recipient lives in one shard.
    public func cohorts(_ cohortOf: [String: Int], count k: Int) -> [CohortTally] {
        guard k > 0 else { return [] }
        let index = campaignIndex()
        let evidence = index.campaigns.map(\.evidence)
        let byGlobal = index.campaigns.map { cohortOf[$0.id] }
        var total = [CohortTally](repeating: CohortTally(), count: k)
        for part in perShard({ i, shard in shard.cohorts(byGlobal: byGlobal, local: index.global[i], evidence: evidence, count: k) }) {
            for c in 0..<k { total[c].add(part[c]) }
        }
        return total
    }
}

extension EventShard {
    /// Per recipient and cohort: messages that went out, clicked and opened by a person, and whether they left.
    func cohorts(byGlobal: [Int?], local: [Int], evidence: [SendEvidence], count k: Int) -> [CohortTally] {
        let R = recipients.count
        var out = [CohortTally](repeating: CohortTally(), count: k)
        var reached = [Bool](repeating: false, count: R * k)
        var clicks = [Int32](repeating: 0, count: R * k), opens = [Int32](repeating: 0, count: R * k)
        // Bits: 1 unsubscribed, 2 complained, 4 hard-bounced.
        var left = [UInt8](repeating: 0, count: R * k)
        pairs.forEach { c, r, m in
            let g = local[Int(c)]
            guard let cohort = byGlobal[g] else { return }
            let one = MessageTally(counting: m, in: evidence[g])
            guard one.wentOut > 0 else { return }
            let cell = Int(r) * k + cohort
            out[cohort].messages += one
            reached[cell] = true
            clicks[cell] += Int32(one.clicked)
            opens[cell] += Int32(one.opened - one.machineOnlyOpened)
            left[cell] |= (one.unsubscribed > 0 ? 1 : 0) | (one.complained > 0 ? 2 : 0) | (one.hardBounced > 0 ? 4 : 0)
        }
        for r in 0..<R {
            let cohortsReached = (0..<k).filter { reached[r * k + $0] }.count
            for c in 0..<k where reached[r * k + c] {
                let cell = r * k + c
                out[c].recipients += 1
                let (n, o) = (Int(clicks[cell]), Int(opens[cell]))
                out[c].clicks.sum += n; out[c].clicks.sumOfSquares += n * n
                out[c].humanOpens.sum += o; out[c].humanOpens.sumOfSquares += o * o
                if left[cell] & 1 != 0 { out[c].unsubscribed += 1 }
                if left[cell] & 2 != 0 { out[c].complained += 1 }
                if left[cell] & 4 != 0 { out[c].hardBounced += 1 }
                if left[cell] != 0 { out[c].lost += 1 }
                if cohortsReached > 1 { out[c].alsoInAnother += 1 }
            }
        }
        return out
    }
}
