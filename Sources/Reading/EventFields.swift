import Foundation
import ReportCore

/// The rules for the fields of a canonical recipient event (`inputs.md` §2), written once on bytes: the
/// ordinary path (`CanonicalEvents`, a `String` per field) and the byte path (`FastEvents`) both call them, so
/// a row means the same whichever path reads it.
enum EventFields {
    /// `event`: a canonical name, in any case.
    @inline(__always)
    static func eventType(_ b: UnsafeRawBufferPointer) -> EventType? {
        func eq(_ s: StaticString) -> Bool {
            guard b.count == s.utf8CodeUnitCount else { return false }
            return memcmp(b.baseAddress!, s.utf8Start, b.count) == 0
        }
        switch b.count {
        case 4: if eq("sent") { return .sent }; if eq("open") { return .open }
        case 5: if eq("click") { return .click }; if eq("reply") { return .reply }
        case 6: if eq("bounce") { return .bounce }
        case 7: if eq("dropped") { return .dropped }; if eq("forward") { return .forward }
        case 8: if eq("deferred") { return .deferred }
        case 9: if eq("delivered") { return .delivered }; if eq("complaint") { return .complaint }
        case 11: if eq("unsubscribe") { return .unsubscribe }
        case 16: if eq("deleted_unopened") { return .deletedUnopened }
        default: break
        }
        // Upper or mixed case: the same names, lower-cased.
        guard b.contains(where: { $0 >= 0x41 && $0 <= 0x5A }) else { return nil }
        return EventType(name: String(decoding: b, as: UTF8.self).lowercased())
    }

    /// `diagnostic` of a bounce or deferral, classified (`BounceReason.classify`); nil when empty. Only bounces
    /// and deferrals carry one, so the text is decoded for those rows alone.
    static func bounceReason(_ b: UnsafeRawBufferPointer?) -> BounceReason? {
        guard let b, b.count > 0 else { return nil }
        return BounceReason.classify(text: String(decoding: b, as: UTF8.self))
    }

    static let bounceWords = "hard, soft or undetermined"

    /// `bounce_type` of a bounce: `hard`, `soft` or `undetermined` in any case; empty or absent is hard.
    /// `.invalid` for any other text.
    @inline(__always)
    static func bounceType(_ b: UnsafeRawBufferPointer?) -> Field<BounceType> {
        guard let b, b.count > 0 else { return .value(.hard) }
        if word(b, "hard") { return .value(.hard) }
        if word(b, "soft") { return .value(.soft) }
        if word(b, "undetermined") { return .value(.undetermined) }
        return .invalid
    }

    static let machineWords = "true, false or empty"

    /// Whether an open was a machine's: the `machine` column when it says (`true`/`1`/`yes`, `false`/`0`/`no`),
    /// else what `user_agent` and `ip` tell (`ProxyOpens`), else no signal (nil). `.invalid` for other text in
    /// `machine`.
    @inline(__always)
    static func machine(_ b: UnsafeRawBufferPointer?, userAgent: UnsafeRawBufferPointer?, ip: UnsafeRawBufferPointer?) -> Field<Bool?> {
        if let b, b.count > 0 {
            if word(b, "true") || word(b, "1") || word(b, "yes") { return .value(true) }
            if word(b, "false") || word(b, "0") || word(b, "no") { return .value(false) }
            return .invalid
        }
        return .value(ProxyOpens.isMachine(userAgent: userAgent, ip: ip))
    }

    /// A field that is read, or text that is not one of its values.
    enum Field<T> {
        case value(T)
        case invalid

        var value: T? {
            if case .value(let v) = self { return v }
            return nil
        }
    }

    /// Bytes equal to a lower-case ASCII word, ignoring case.
    @inline(__always)
    static func word(_ b: UnsafeRawBufferPointer, _ w: StaticString) -> Bool {
        guard b.count == w.utf8CodeUnitCount else { return false }
        let p = w.utf8Start
        for i in 0..<b.count {
            let c = b[i]
            if (c >= 0x41 && c <= 0x5A ? c + 32 : c) != p[i] { return false }
        }
        return true
    }
}

/// Apple Mail Privacy Protection prefetches, told from a person's open by the request's user agent and IP, where
/// a source gives them and no machine-open flag (SES `open.userAgent`/`ipAddress`, Postmark `UserAgent`/`Geo.IP`,
/// the `user_agent`/`ip` columns of canonical events).
///
/// The rule, from what Apple and the ESPs that flag these opens publish:
/// - Apple's proxy fetches remote content with the bare user agent `Mozilla/5.0` (no platform or engine
///   tokens, unlike every mail client and browser; SendGrid's own `sg_machine_open` examples carry exactly
///   it), from Apple's address block 17.0.0.0/8. Either sign makes the open a **machine's**.
/// - Any other user agent is a **person's** open (a mail client or webmail, including Gmail's and Yahoo's image
///   proxies, which fetch when the person opens the message).
/// - No user agent and an IP outside Apple's block: **no signal** (nil), as before.
/// Security scanners that open with a browser's user agent cannot be told apart this way.
enum ProxyOpens {
    static func isMachine(userAgent: UnsafeRawBufferPointer?, ip: UnsafeRawBufferPointer?) -> Bool? {
        let ua = userAgent.map(trimmed) ?? UnsafeRawBufferPointer(start: nil, count: 0)
        let address = ip.map(trimmed) ?? UnsafeRawBufferPointer(start: nil, count: 0)
        if isApple(address) { return true }
        guard ua.count > 0 else { return nil }
        return EventFields.word(ua, "mozilla/5.0")
    }

    /// Text forms, for readers of JSON.
    static func isMachine(userAgent: String?, ip: String?) -> Bool? {
        userAgent.withUTF8Bytes { ua in ip.withUTF8Bytes { isMachine(userAgent: ua, ip: $0) } }
    }

    /// An IPv4 address in 17.0.0.0/8.
    static func isApple(_ ip: UnsafeRawBufferPointer) -> Bool {
        guard ip.count >= 7, ip[0] == UInt8(ascii: "1"), ip[1] == UInt8(ascii: "7"), ip[2] == UInt8(ascii: ".") else { return false }
        return ip.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || $0 == UInt8(ascii: ".") }
    }

    private static func trimmed(_ b: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        var s = 0, e = b.count
        while s < e && (b[s] == 0x20 || b[s] == 0x09) { s += 1 }
        while e > s && (b[e - 1] == 0x20 || b[e - 1] == 0x09) { e -= 1 }
        return UnsafeRawBufferPointer(rebasing: b[s..<e])
    }
}
