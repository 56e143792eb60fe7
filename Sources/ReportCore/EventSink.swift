/// Where readers put recipient events. The byte-level entry point lets a reader of a large file hand over
/// fields without making a `String` per field; `add(_:at:)` serves every other reader.
public protocol RawEventSink: AnyObject {
    func add(_ event: RecipientEvent, at location: SourceLocation)

    /// One event from bytes. `recipient` is already trimmed and, for an address, lower-cased.
    func add(time: Double, campaign: UnsafeRawBufferPointer, recipient: UnsafeRawBufferPointer, type: EventType,
             bounce: BounceType?, machine: Bool?, url: UnsafeRawBufferPointer?, program: UnsafeRawBufferPointer?,
             domain: UnsafeRawBufferPointer?, file: String, line: Int)
}
