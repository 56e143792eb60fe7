import Foundation
import ReportCore

/// A program's regular sends in the 4 weeks before and after a re-activation or win-back send.
public struct BeforeAfter: Sendable, Codable {
    public var campaign: String
    public var program: String
    public var before: Totals
    public var after: Totals
    /// Delivered messages per regular send (what reached the list, not its size).
    public var deliveredPerSendBefore: Double?
    public var deliveredPerSendAfter: Double?
    /// Whether the 28 days after the send have passed by the data's newest time: until then "after" is
    /// part of a period, and the comparison is left out of the report.
    public var afterIsComplete: Bool
}

enum BeforeAfterRule {
    /// Regular sends of the program in the 28 days before and after the send.
    static func compute(_ send: Send, sends: [Send], newestData: Date) -> BeforeAfter {
        let t = send.sentAt.timeIntervalSince1970, span = 28.0 * 86400
        let regular = sends.filter { $0.program == send.program && $0.kind == .regular }
        let before = regular.filter { $0.sentAt.timeIntervalSince1970 >= t - span && $0.sentAt.timeIntervalSince1970 < t }
        let after = regular.filter { $0.sentAt.timeIntervalSince1970 > t && $0.sentAt.timeIntervalSince1970 <= t + span }
        func size(_ list: [Send]) -> Double? {
            let known = list.compactMap { $0.counts.delivered }
            return known.isEmpty ? nil : Double(known.reduce(0, +)) / Double(known.count)
        }
        return BeforeAfter(campaign: send.id, program: send.program, before: Totals(before), after: Totals(after),
                           deliveredPerSendBefore: size(before), deliveredPerSendAfter: size(after),
                           afterIsComplete: newestData.timeIntervalSince1970 >= t + span)
    }
}
