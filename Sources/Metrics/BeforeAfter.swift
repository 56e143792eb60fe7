import Foundation
import ReportCore

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
