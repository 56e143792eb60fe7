import Foundation
import Mustache
import ReportCore

/// The two parts of every page that change with every week of data, whatever else the week changes: the
/// freshness line ("Data up to …", metrics.md) and the navigation's link to the latest week. Most pages
/// show nothing else that a new week changes (of the bench project's 264 pages, 14 changed beyond these
/// when a week was added), so a page is drawn with a marker in each slot and the values are put in after
/// drawing. A page whose model (its `PageDigest`) is the same as one the last build drew is then that
/// build's bytes with today's values in its slots (`SiteBuilder.Earlier`), not drawn again.
///
/// Exact by construction: the marker goes where the value would have gone, escaped as a template escapes
/// `{{freshness}}` (the value is escaped by the template library itself, `TemplateSet.escaped`). Where
/// that cannot be known the page is drawn with its values in it and never reused:
/// - a template set that emits a slot's value in any other way (`{{{freshness}}}`, `{{&href}}`, a
///   transform such as `{{lowercased(freshness)}}`, another content type or other delimiters) or that
///   holds a marker character itself (`TemplateSet.slotsAreExact`);
/// - a page whose model holds a marker character (a hostile subject line; `PageDigest`);
/// - a page where a marker came out changed (a transform the check above did not foresee).
public enum ChromeSlot: UInt8, CaseIterable, Sendable {
    case freshness = 1
    case latestWeek = 2

    /// What a page is drawn with in the slot: private-use characters, which no template escapes and no
    /// page model holds (checked).
    var marker: String {
        switch self {
        case .freshness: "\u{E000}freshness\u{E001}"
        case .latestWeek: "\u{E000}latest-week\u{E001}"
        }
    }

    /// The marker's lead character, which nothing else in a page may hold.
    static let markerLead: UInt8 = 0xEE  // first byte of U+E000 … U+EFFF in UTF-8

    static func of(marker bytes: UnsafeRawBufferPointer) -> ChromeSlot? {
        allCases.first { slot in slot.marker.utf8.elementsEqual(bytes) }
    }
}

/// Where a slot's value stands in a drawn page.
public struct SlotPosition: Equatable, Sendable {
    public var slot: ChromeSlot
    /// Byte offset and length of the value in the page.
    public var offset: Int
    public var length: Int

    public init(slot: ChromeSlot, offset: Int, length: Int) {
        self.slot = slot
        self.offset = offset
        self.length = length
    }
}

/// One drawn page: its bytes and, when it may stand in for a later build's page of the same digest, the
/// digest and where its slots are.
public struct DrawnPage: Sendable {
    public var bytes: Data
    public var digest: UInt64?
    public var slots: [SlotPosition]

    init(_ bytes: Data, digest: UInt64? = nil, slots: [SlotPosition] = []) {
        self.bytes = bytes
        self.digest = digest
        self.slots = slots
    }

    /// Puts `values` (escaped) where the markers of `drawn` are, noting where each went; nil when a marker
    /// character is left that is no slot's marker, or a slot has no value.
    static func filling(_ drawn: String, values: [ChromeSlot: String], digest: UInt64) -> DrawnPage? {
        var drawn = drawn
        return drawn.withUTF8 { p -> DrawnPage? in
            var out = Data()
            out.reserveCapacity(p.count + 64)
            var slots: [SlotPosition] = []
            var copied = 0
            while let lead = p[copied...].firstIndex(of: ChromeSlot.markerLead) {
                // A marker is the lead character, its name, and the closing private-use character.
                guard lead + 3 <= p.count, let close = p[(lead + 3)...].firstIndex(of: ChromeSlot.markerLead), close + 3 <= p.count,
                      let slot = ChromeSlot.of(marker: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: p[lead..<(close + 3)]))),
                      let value = values[slot] else { return nil }
                out.append(contentsOf: p[copied..<lead])
                slots.append(SlotPosition(slot: slot, offset: out.count, length: value.utf8.count))
                out.append(contentsOf: value.utf8)
                copied = close + 3
            }
            out.append(contentsOf: p[copied...])
            return DrawnPage(out, digest: digest, slots: slots)
        }
    }

    /// An earlier page of the same digest with today's `values` (escaped) in its slots; nil when a slot of it
    /// has no value today or does not fit in its bytes.
    static func refilling(_ earlier: Data, slots: [SlotPosition], values: [ChromeSlot: String], digest: UInt64) -> DrawnPage? {
        var out = Data()
        out.reserveCapacity(earlier.count + 64)
        var moved: [SlotPosition] = []
        var copied = 0
        for s in slots.sorted(by: { $0.offset < $1.offset }) {
            guard let value = values[s.slot], s.length >= 0, s.offset >= copied, s.offset + s.length <= earlier.count else { return nil }
            out.append(earlier[earlier.startIndex + copied..<earlier.startIndex + s.offset])
            moved.append(SlotPosition(slot: s.slot, offset: out.count, length: value.utf8.count))
            out.append(contentsOf: value.utf8)
            copied = s.offset + s.length
        }
        out.append(earlier[(earlier.startIndex + copied)...])
        return DrawnPage(out, digest: digest, slots: moved)
    }
}
