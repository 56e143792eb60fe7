import Foundation
import Testing
@testable import Metrics
import ReportCore

/// metrics.md, *Coverage*: a section computed from recipient events says what part of the data it covers.
@Suite struct CoverageTests {
    @Test func sendsAndDeliveredMessagesWithEventsOfAllSends() throws {
        func send(_ id: String, _ delivered: Int?, events: Bool) -> Send {
            Send(id: id, program: "p", kind: .regular, sentAt: date("2026-11-17T09:00:00Z"), week: ISOWeek(year: 2026, week: 47),
                 counts: SendCounts(sent: delivered, delivered: delivered), source: events ? .events : .aggregate,
                 noProxySignal: false, trackingOff: false)
        }
        let c = Coverage([send("a", 100, events: true), send("b", 31, events: true), send("c", 869, events: false), send("d", nil, events: false)])
        #expect(c.sends == 4)
        #expect(c.sendsWithEvents == 2)
        #expect(c.deliveredWithEvents == 131)
        #expect(c.delivered == 1000)          // d's delivered is unknown: not counted as 0 of something
        #expect(c.share == 0.131)
        #expect(!c.isWhole)
        #expect(Coverage([send("a", 5, events: true)]).isWhole)
        #expect(Coverage([Send]()).share == nil)
    }
}
