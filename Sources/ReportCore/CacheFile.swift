#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The file format of the build cache (`.inbox-report/cache/`): an 8-byte magic, the format version, the
/// payload its owner writes field by field, and a 64-bit checksum of everything before it. Written to a
/// temporary sibling and renamed into place, so a reader sees a whole file or the earlier one. Read as a
/// stream straight into the tables it fills (a snapshot of the fold is hundreds of megabytes: no second copy in
/// memory); every length is checked against what is left of the file before anything is allocated, and the
/// checksum is compared at the end, so a truncated or damaged file is an error, never a wrong figure.
public enum CacheFile {
    public static let magic: [UInt8] = Array("INBXRCAC".utf8)
    /// Raised whenever the layout of any cache file changes: an older file is then ignored and rebuilt.
    public static let formatVersion: UInt32 = 7
}

/// Why a cache file was not used.
public struct CacheFileError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// A 64-bit checksum of a byte stream, in four lanes of multiply-rotate rounds (the structure of xxHash64):
/// about as fast as memory can be read, so checking a snapshot costs little beside reading it. It finds damage;
/// it is not meant to resist someone forging a cache file.
public struct StreamChecksum {
    private static let p1: UInt64 = 0x9E37_79B1_85EB_CA87, p2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    private var lanes: (UInt64, UInt64, UInt64, UInt64) = (1, 2, 3, 4)
    private var tail: [UInt8] = []  // fewer than 32 bytes not yet folded
    private var length: UInt64 = 0

    public init() {}

    @inline(__always)
    private static func round(_ acc: UInt64, _ v: UInt64) -> UInt64 {
        let x = acc &+ v &* p2
        return ((x << 31) | (x >> 33)) &* p1
    }

    public mutating func add(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count > 0 else { return }
        length &+= UInt64(bytes.count)
        var p = 0
        if !tail.isEmpty {
            let take = min(32 - tail.count, bytes.count)
            tail += bytes[0..<take]
            p = take
            guard tail.count == 32 else { return }
            tail.withUnsafeBytes { block(UnsafeRawBufferPointer($0), 0) }
            tail.removeAll(keepingCapacity: true)
        }
        while p + 32 <= bytes.count {
            block(bytes, p)
            p += 32
        }
        if p < bytes.count { tail += bytes[p...] }
    }

    @inline(__always)
    private mutating func block(_ b: UnsafeRawBufferPointer, _ at: Int) {
        lanes.0 = Self.round(lanes.0, b.loadUnaligned(fromByteOffset: at, as: UInt64.self))
        lanes.1 = Self.round(lanes.1, b.loadUnaligned(fromByteOffset: at + 8, as: UInt64.self))
        lanes.2 = Self.round(lanes.2, b.loadUnaligned(fromByteOffset: at + 16, as: UInt64.self))
        lanes.3 = Self.round(lanes.3, b.loadUnaligned(fromByteOffset: at + 24, as: UInt64.self))
    }

    public var value: UInt64 {
        var h = lanes.0 ^ Self.round(0, lanes.1) ^ Self.round(1, lanes.2) ^ Self.round(2, lanes.3) ^ length
        for byte in tail { h = Self.round(h, UInt64(byte)) }
        return HashMix.splitmix64(h)
    }

    /// The checksum of bytes in memory.
    public static func of(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var sum = StreamChecksum()
        sum.add(bytes)
        return sum.value
    }

    public static func of(_ bytes: [UInt8]) -> UInt64 { bytes.withUnsafeBytes { of($0) } }

    /// The checksum of a whole file's content (the content hash of an input), read in blocks.
    public static func ofFile(_ path: String) -> UInt64? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var sum = StreamChecksum()
        let size = 1 << 20
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let n = read(fd, buffer.baseAddress, size)
            if n < 0 { return nil }
            if n == 0 { return sum.value }
            sum.add(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
        }
    }
}

/// Writes one cache file: through a buffer to a temporary sibling, renamed into place by `commit()`.
public final class CacheWriter {
    private let target: URL
    private let temp: URL
    private var file: UnsafeMutablePointer<FILE>?
    private var sum = StreamChecksum()
    private var failed = false

    public init(_ target: URL) throws {
        self.target = target
        temp = target.deletingLastPathComponent().appending(path: ".\(target.lastPathComponent).\(getpid()).\(UInt32.random(in: 0 ... .max)).tmp")
        guard let f = fopen(temp.path, "wb") else { throw CacheFileError("cannot write \(temp.path): \(String(cString: strerror(errno)))") }
        file = f
        setvbuf(f, nil, _IOFBF, 1 << 20)
        bytes(CacheFile.magic)
        int(UInt64(CacheFile.formatVersion))
    }

    deinit {
        if let file {
            fclose(file)
            unlink(temp.path)
        }
    }

    public func raw(_ p: UnsafeRawBufferPointer) {
        guard p.count > 0, let file else { return }
        sum.add(p)
        if fwrite(p.baseAddress, 1, p.count, file) != p.count { failed = true }
    }

    public func bytes(_ b: [UInt8]) { b.withUnsafeBytes { raw($0) } }
    public func int(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { raw($0) } }
    public func int(_ v: Int) { int(UInt64(bitPattern: Int64(v))) }
    public func double(_ v: Double) { int(v.bitPattern) }
    public func bool(_ v: Bool) { bytes([v ? 1 : 0]) }

    public func string(_ s: String) {
        var s = s
        s.withUTF8 { u in
            int(u.count)
            raw(UnsafeRawBufferPointer(u))
        }
    }

    public func optionalString(_ s: String?) {
        bool(s != nil)
        if let s { string(s) }
    }

    public func data(_ d: Data) {
        int(d.count)
        d.withUnsafeBytes { raw($0) }
    }

    /// An array of plain values (integers, or structs of them) as its bytes.
    public func array<T: BitwiseCopyable>(_ a: [T]) {
        int(a.count)
        a.withUnsafeBytes { raw($0) }
    }

    /// Ends the file with its checksum and puts it in place of the earlier one. Returns the checksum (another
    /// file may name this one by it).
    @discardableResult
    public func commit() throws -> UInt64 {
        guard let f = file else { return sum.value }
        let checksum = sum.value.littleEndian
        _ = withUnsafeBytes(of: checksum) { fwrite($0.baseAddress, 1, 8, f) }
        let closed = fclose(f) == 0
        file = nil
        guard closed, !failed else {
            unlink(temp.path)
            throw CacheFileError("cannot write \(target.path) (is the disk full?)")
        }
        guard rename(temp.path, target.path) == 0 else {
            let why = String(cString: strerror(errno))
            unlink(temp.path)
            throw CacheFileError("cannot write \(target.path): \(why)")
        }
        return UInt64(littleEndian: checksum)
    }
}

/// Reads one cache file written by `CacheWriter`, checking lengths on the way and the checksum by `finish()`.
public final class CacheReader {
    private let file: UnsafeMutablePointer<FILE>
    private var remaining: Int
    private var sum = StreamChecksum()

    /// Opens a file; nil when there is none. Throws when it is not a cache file of this format version.
    public init?(_ url: URL) throws {
        var st = stat()
        guard stat(url.path, &st) == 0 else { return nil }
        guard let f = fopen(url.path, "rb") else { throw CacheFileError("cannot open: \(String(cString: strerror(errno)))") }
        file = f
        setvbuf(f, nil, _IOFBF, 1 << 20)
        remaining = Int(st.st_size) - 8  // the checksum at the end
        guard remaining >= 16, try bytes(8) == CacheFile.magic else { throw CacheFileError("it is not a cache file (or it is cut short)") }
        let version: UInt64 = try int()
        guard version == UInt64(CacheFile.formatVersion) else {
            throw CacheFileError("it is of cache format \(version), this inbox-report writes \(CacheFile.formatVersion)")
        }
    }

    deinit { fclose(file) }

    private func need(_ n: Int) throws {
        guard n >= 0, n <= remaining else { throw CacheFileError("it is cut short or damaged (a length of \(n) bytes with \(remaining) left)") }
    }

    public func raw(into p: UnsafeMutableRawBufferPointer) throws {
        guard p.count > 0 else { return }
        try need(p.count)
        guard fread(p.baseAddress, 1, p.count, file) == p.count else { throw CacheFileError("it is cut short") }
        remaining -= p.count
        sum.add(UnsafeRawBufferPointer(p))
    }

    public func bytes(_ n: Int) throws -> [UInt8] {
        try need(n)
        var out = [UInt8](repeating: 0, count: n)
        try out.withUnsafeMutableBytes { try raw(into: $0) }
        return out
    }

    public func int() throws -> UInt64 {
        var v: UInt64 = 0
        try withUnsafeMutableBytes(of: &v) { try raw(into: $0) }
        return UInt64(littleEndian: v)
    }

    public func int() throws -> Int { Int(Int64(bitPattern: try int() as UInt64)) }
    public func double() throws -> Double { Double(bitPattern: try int()) }
    public func bool() throws -> Bool { try bytes(1)[0] != 0 }

    /// A count of items of `size` bytes each, checked against what is left of the file.
    public func count(of size: Int) throws -> Int {
        let n: Int = try int()
        guard n >= 0, size == 0 || n <= remaining / max(size, 1) else { throw CacheFileError("it is damaged (a count of \(n))") }
        return n
    }

    public func string() throws -> String {
        let n = try count(of: 1)
        return String(decoding: try bytes(n), as: UTF8.self)
    }

    public func optionalString() throws -> String? { try bool() ? try string() : nil }

    public func data() throws -> Data {
        let n = try count(of: 1)
        var d = Data(count: n)
        try d.withUnsafeMutableBytes { try raw(into: $0) }
        return d
    }

    public func array<T: BitwiseCopyable>(_: T.Type) throws -> [T] {
        let n = try count(of: MemoryLayout<T>.stride)
        return try [T](unsafeUninitializedCapacity: n) { buffer, initialized in
            try raw(into: UnsafeMutableRawBufferPointer(buffer))
            initialized = n
        }
    }

    /// Checks that the whole file was read and its checksum holds; returns the checksum.
    @discardableResult
    public func finish() throws -> UInt64 {
        guard remaining == 0 else { throw CacheFileError("it has \(remaining) bytes more than its contents") }
        var stored: UInt64 = 0
        guard withUnsafeMutableBytes(of: &stored, { fread($0.baseAddress, 1, 8, file) }) == 8 else { throw CacheFileError("it is cut short") }
        guard UInt64(littleEndian: stored) == sum.value else { throw CacheFileError("its checksum does not match: it is damaged") }
        return sum.value
    }
}
