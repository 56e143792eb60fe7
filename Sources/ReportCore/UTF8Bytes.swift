/// A text's UTF-8 bytes for the length of a call: the field rules and the event sinks read bytes, and the
/// ordinary reading path has `String`s.
extension String {
    public func withUTF8Bytes<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
        var s = self
        return s.withUTF8 { body(UnsafeRawBufferPointer($0)) }
    }
}

extension Optional where Wrapped == String {
    /// The bytes of the text, or nil for no text.
    public func withUTF8Bytes<R>(_ body: (UnsafeRawBufferPointer?) -> R) -> R {
        switch self {
        case .some(let s): return s.withUTF8Bytes { body($0) }
        case .none: return body(nil)
        }
    }
}
