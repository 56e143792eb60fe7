import Foundation
import ReportCore

/// Microsoft SNDS (Smart Network Data Services) data export: CSV without a header, one row per IP per activity
/// period (docs/inputs.md, *Mailbox-provider data*).
///
/// Source: Microsoft's "Smart Network Data Services" data page and FAQ (sendersupport.olc.protection.outlook.com/snds):
/// the columns are IP address, activity start, activity end (`M/D/YYYY h:mm AM`), RCPT commands, DATA commands,
/// message recipients, filter result (`GREEN` when spam filtering flagged at most 10 % of the IP's mail, `YELLOW`
/// between 10 % and 90 %, `RED` above 90 %), complaint rate (complaints over message recipients, `< 0.1%` below
/// its floor), trap message period start and end, trap hits, sample HELO, sample MAIL FROM (JMR P1 sender) and
/// comments.
///
/// - The day of a row is the activity start's date as SNDS writes it (no zone is converted).
/// - Only the first eleven columns are read; the sample HELO, MAIL FROM and comments are never kept (an address).
enum SNDSFormat {
    static let minimumFields = 11

    /// Whether a CSV record looks like an SNDS row: an IP address, then an activity start.
    static func matches(_ fields: [String]) -> Bool {
        fields.count >= minimumFields && isIP(fields[0]) && day(of: fields[1]) != nil
    }

    static func isIP(_ s: String) -> Bool {
        let t = s.trimmingCharacters(in: .whitespaces)
        let v4 = t.split(separator: ".", omittingEmptySubsequences: false)
        if v4.count == 4, v4.allSatisfy({ !$0.isEmpty && $0.count <= 3 && $0.allSatisfy(\.isASCII) && (UInt8($0) != nil) }) { return true }
        return t.contains(":") && t.allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." }
    }

    /// The date of `M/D/YYYY h:mm AM` (the time is not needed: a row is one day's activity).
    static func day(of s: String) -> CalendarDay? {
        let t = s.trimmingCharacters(in: .whitespaces)
        let datePart = t.split(separator: " ", maxSplits: 1).first.map(String.init) ?? t
        let p = datePart.split(separator: "/", omittingEmptySubsequences: false)
        guard p.count == 3, p[2].count == 4, let m = Int(p[0]), let d = Int(p[1]), let y = Int(p[2]) else { return nil }
        if let rest = t.split(separator: " ", maxSplits: 1).dropFirst().first {
            // `12:00 AM`: hours 1–12, minutes, AM or PM.
            let bits = rest.split(separator: " ")
            let hm = bits.first?.split(separator: ":") ?? []
            guard bits.count == 2, ["AM", "PM"].contains(bits[1].uppercased()), hm.count == 2, let h = Int(hm[0]), let mi = Int(hm[1]),
                  (1...12).contains(h), (0...59).contains(mi) else { return nil }
        }
        return CalendarDay(year: y, month: m, day: d)
    }

    /// `< 0.1%`, `0.1%`, `12%` (or without the sign); empty is unknown.
    static func complaintRate(_ s: String) -> SNDSComplaintRate?? {
        var t = s.trimmingCharacters(in: .whitespaces)
        if t.isEmpty { return .some(nil) }
        var below = false
        if t.hasPrefix("<") {
            below = true
            t = t.dropFirst().trimmingCharacters(in: .whitespaces)
        }
        if t.hasSuffix("%") { t.removeLast() }
        guard let v = Double(t.trimmingCharacters(in: .whitespaces)), v.isFinite, v >= 0, v <= 100 else { return nil }
        return .some(SNDSComplaintRate(value: v / 100, below: below))
    }

    /// One record at `line` of `file`.
    static func row(_ f: [String], file: String, line: Int) throws -> SNDSRow {
        func at(_ i: Int, _ name: String) -> SourceLocation { SourceLocation(file: file, line: line, field: "field \(i + 1) (\(name))") }
        guard f.count >= minimumFields else {
            throw ReportError("has \(f.count) fields; an SNDS row has at least \(minimumFields) (IP, activity start and end, RCPT, DATA, recipients, filter result, complaint rate, trap start and end, trap hits)", at: SourceLocation(file: file, line: line))
        }
        guard isIP(f[0]) else { throw ReportError("\"\(InputLimits.quoted(f[0]))\" is not an IP address", at: at(0, "IP address")) }
        guard let day = day(of: f[1]) else {
            throw ReportError("\"\(InputLimits.quoted(f[1]))\" is not a date like 10/4/2026 12:00 AM within \(InputLimits.timeRange)", at: at(1, "activity start"))
        }
        func count(_ i: Int, _ name: String) throws -> Int {
            let t = f[i].trimmingCharacters(in: .whitespaces)
            if t.isEmpty { return 0 }
            guard let n = Int(t), n >= 0 else { throw ReportError("\"\(InputLimits.quoted(f[i]))\" is not a count", at: at(i, name)) }
            return n
        }
        guard let filter = SNDSFilterResult(rawValue: f[6].trimmingCharacters(in: .whitespaces).uppercased()) else {
            throw ReportError("\"\(InputLimits.quoted(f[6]))\" is not GREEN, YELLOW or RED", at: at(6, "filter result"))
        }
        guard let complaint = complaintRate(f[7]) else {
            throw ReportError("\"\(InputLimits.quoted(f[7]))\" is not a rate like < 0.1% or 0.3%", at: at(7, "complaint rate"))
        }
        return SNDSRow(
            ip: f[0].trimmingCharacters(in: .whitespaces), day: day, rcptCommands: try count(3, "RCPT commands"),
            dataCommands: try count(4, "DATA commands"), messageRecipients: try count(5, "message recipients"), filter: filter,
            complaintRate: complaint, trapHits: try count(10, "trap hits"), location: SourceLocation(file: file, line: line))
    }
}
