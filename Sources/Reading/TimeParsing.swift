import Foundation
import ReportCore

/// Fast, allocation-free parsing of the time forms `inputs.md` accepts. Event logs have millions of
/// rows, so this avoids `ISO8601DateFormatter` (slow, and strict about fractional seconds).
public enum TimeParsing {
    /// Seconds since 1970 for an ISO 8601 date-time (`2026-11-16T09:00:00+01:00`, `…Z`, fractional seconds,
    /// a space instead of `T`), or Unix seconds (`1772445600`, `1772445600.25`). A date-time without an offset
    /// is read in `zone` (the project's time zone). Returns nil for anything else.
    public static func instant(_ text: Substring, zone: TimeZone) -> Double? {
        let bytes = Array(text.utf8)
        return instant(bytes[...], zone: zone)
    }

    public static func instant(_ b: ArraySlice<UInt8>, zone: TimeZone) -> Double? {
        b.withUnsafeBufferPointer { instantSlice($0, zone: zone) }
    }

    /// The same from raw bytes (the fast event path).
    @inline(__always)
    public static func instant(bytes: UnsafeRawBufferPointer, zone: TimeZone) -> Double? {
        bytes.withMemoryRebound(to: UInt8.self) { buf in
            instantSlice(buf, zone: zone)
        }
    }

    static func instantSlice(_ buf: UnsafeBufferPointer<UInt8>, zone: TimeZone) -> Double? {
        var s = buf[...]
        while let f = s.first, f == 0x20 { s = s.dropFirst() }
        while let l = s.last, l == 0x20 { s = s.dropLast() }
        guard !s.isEmpty else { return nil }
        if s.count >= 10, s[s.startIndex + 4] == UInt8(ascii: "-") {
            return isoDateTime(s, zone: zone, allowDateOnly: false)
        }
        return unixSeconds(s)
    }

    /// A `sent_at`: an ISO date (midnight in `zone`) or date-time.
    public static func sendTime(_ text: String, zone: TimeZone) -> Double? {
        var s = Array(text.utf8)[...]
        while let f = s.first, f == 0x20 { s = s.dropFirst() }
        while let l = s.last, l == 0x20 { s = s.dropLast() }
        if s.count >= 10, s[s.startIndex + 4] == UInt8(ascii: "-") {
            return isoDateTime(s, zone: zone, allowDateOnly: true)
        }
        return unixSeconds(s)
    }

    /// Unix time as text (inputs.md §2): by its whole digits, 10 (or fewer) are seconds, 13 milliseconds and 16
    /// microseconds, each optionally with a fraction. Other lengths are ambiguous and rejected.
    static func unixSeconds<C: RandomAccessCollection>(_ s: C) -> Double? where C.Element == UInt8, C.Index == Int {
        var whole: Int64 = 0
        var i = s.startIndex
        var digits = 0
        while i < s.endIndex, let d = digit(s[i]) {
            whole = whole &* 10 &+ Int64(d)
            digits += 1
            i += 1
            if digits > 16 { return nil }
        }
        guard digits > 0, let unit = unixUnit(digits: digits) else { return nil }
        var value = Double(whole)
        if i < s.endIndex {
            guard s[i] == UInt8(ascii: ".") else { return nil }
            i += 1
            var scale = 0.1
            var fracDigits = 0
            while i < s.endIndex, let d = digit(s[i]) {
                value += Double(d) * scale
                scale /= 10
                fracDigits += 1
                i += 1
            }
            guard fracDigits > 0, i == s.endIndex else { return nil }
        }
        return value / unit
    }

    /// Units per second of a Unix time with this many whole digits: 1 (seconds), 1,000 (milliseconds) or
    /// 1,000,000 (microseconds); nil for a length that is none of them.
    static func unixUnit(digits: Int) -> Double? {
        switch digits {
        case ...10: return 1
        case 13: return 1_000
        case 16: return 1_000_000
        default: return nil
        }
    }

    /// A Unix time given as a JSON number, by the same rule of digits as text.
    public static func unixSeconds(number v: Double) -> Double? {
        guard v.isFinite, v >= 0, v < 1e17 else { return nil }
        // Whole digits counted exactly (a logarithm rounds 999999999999999 up to 16 digits).
        var whole = Int64(v), digits = 1
        while whole >= 10 { whole /= 10; digits += 1 }
        return unixUnit(digits: digits).map { v / $0 }
    }

    @inline(__always) static func digit(_ c: UInt8) -> Int? {
        c >= 0x30 && c <= 0x39 ? Int(c - 0x30) : nil
    }

    static func fixed<C: RandomAccessCollection>(_ s: C, _ offset: Int, _ count: Int) -> Int? where C.Element == UInt8, C.Index == Int {
        let start = s.startIndex + offset
        guard start + count <= s.endIndex else { return nil }
        var n = 0
        for i in start..<(start + count) {
            guard let d = digit(s[i]) else { return nil }
            n = n * 10 + d
        }
        return n
    }

    static func isoDateTime<C: RandomAccessCollection>(_ s: C, zone: TimeZone, allowDateOnly: Bool) -> Double? where C.Element == UInt8, C.Index == Int, C.SubSequence: RandomAccessCollection, C.SubSequence.Element == UInt8, C.SubSequence.Index == Int {
        guard let year = fixed(s, 0, 4), s[s.startIndex + 4] == 0x2D, let month = fixed(s, 5, 2),
              s[s.startIndex + 7] == 0x2D, let day = fixed(s, 8, 2),
              (1...12).contains(month), (1...daysIn(month, year)).contains(day) else { return nil }
        let days = daysFromCivil(year, month, day)
        if s.count == 10 {
            guard allowDateOnly else { return nil }
            return local(Double(days * 86400), zone: zone)
        }
        let sep = s[s.startIndex + 10]
        guard sep == UInt8(ascii: "T") || sep == UInt8(ascii: "t") || sep == 0x20,
              let hour = fixed(s, 11, 2), s.count >= 16, s[s.startIndex + 13] == 0x3A, let minute = fixed(s, 14, 2),
              hour <= 23, minute <= 59 else { return nil }
        var i = s.startIndex + 16
        var second = 0.0
        if i < s.endIndex, s[i] == 0x3A {
            guard let sec = fixed(s, 17, 2), sec <= 60 else { return nil }
            second = Double(sec)
            i += 3
            if i < s.endIndex, s[i] == UInt8(ascii: ".") || s[i] == UInt8(ascii: ",") {
                i += 1
                var scale = 0.1
                var any = false
                while i < s.endIndex, let d = digit(s[i]) {
                    second += Double(d) * scale
                    scale /= 10
                    any = true
                    i += 1
                }
                guard any else { return nil }
            }
        }
        let wall = Double(days * 86400 + hour * 3600 + minute * 60) + second
        if i == s.endIndex { return local(wall, zone: zone) }
        let z = s[i]
        if (z == UInt8(ascii: "Z") || z == UInt8(ascii: "z")) && i + 1 == s.endIndex { return wall }
        guard z == UInt8(ascii: "+") || z == UInt8(ascii: "-") else { return nil }
        let rest = s[(i + 1)...]
        let oh: Int, om: Int
        switch rest.count {
        case 2:
            guard let h = fixed(rest, 0, 2) else { return nil }
            (oh, om) = (h, 0)
        case 4:
            guard let h = fixed(rest, 0, 2), let m = fixed(rest, 2, 2) else { return nil }
            (oh, om) = (h, m)
        case 5:
            guard let h = fixed(rest, 0, 2), rest[rest.startIndex + 2] == 0x3A, let m = fixed(rest, 3, 2) else { return nil }
            (oh, om) = (h, m)
        default:
            return nil
        }
        guard oh <= 18, om <= 59 else { return nil }
        let offset = Double(oh * 3600 + om * 60) * (z == UInt8(ascii: "-") ? -1 : 1)
        return wall - offset
    }

    /// A wall-clock time in `zone` → UTC instant. The offset is taken at the wall time read as UTC, then
    /// corrected once, which is exact except inside the skipped hour of a daylight-saving change.
    static func local(_ wall: Double, zone: TimeZone) -> Double {
        let first = Double(zone.secondsFromGMT(for: Date(timeIntervalSince1970: wall)))
        let second = Double(zone.secondsFromGMT(for: Date(timeIntervalSince1970: wall - first)))
        return wall - second
    }

    static func daysIn(_ month: Int, _ year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }
}
