import CZlib
import Foundation
import ReportCore

/// Reads a file in fixed-size chunks so that large inputs are streamed, never loaded whole. A gzip file
/// (magic bytes 1f 8b, whatever its name) is inflated on the fly through zlib, member after member.
struct ByteSource {
    private let handle: FileHandle
    private let chunkSize: Int
    private var inflater: Inflater?
    private var finished = false
    /// Bytes read from the file and handed out, for the gzip bounds (`InputLimits`).
    private var compressedBytes: Int64 = 0
    private var producedBytes: Int64 = 0

    init(path: String, chunkSize: Int = 1 << 20) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ReportError("cannot open the file")
        }
        self.handle = handle
        self.chunkSize = chunkSize
        let magic = Self.head(path: path, count: 2)
        if magic.count == 2 && magic[magic.startIndex] == 0x1F && magic[magic.startIndex + 1] == 0x8B {
            inflater = try Inflater()
        }
    }

    /// The next chunk, or nil at the end of the file.
    mutating func next() throws -> Data? {
        guard var inflater else {
            let data = try handle.read(upToCount: chunkSize) ?? Data()
            return data.isEmpty ? nil : data
        }
        defer { self.inflater = inflater }
        while !finished {
            if inflater.needsInput {
                let compressed = try handle.read(upToCount: chunkSize) ?? Data()
                if compressed.isEmpty {
                    finished = true
                    guard inflater.atMemberEnd else { throw ReportError("the gzip data ends early (a truncated .gz file)") }
                    break
                }
                compressedBytes += Int64(compressed.count)
                inflater.feed(compressed)
            }
            let out = try inflater.inflate(max: chunkSize)
            producedBytes += Int64(out.count)
            if producedBytes > InputLimits.gzipTotalBytes
                || (producedBytes > Int64(InputLimits.gzipFreeBytes) && producedBytes > compressedBytes * Int64(InputLimits.gzipRatio)) {
                throw ReportError("the gzip data expands more than \(InputLimits.gzipRatio) times (\(producedBytes >> 20) MB from \(max(compressedBytes >> 20, 1)) MB so far): not an export of events or campaign results")
            }
            if !out.isEmpty { return out }
        }
        return nil
    }

    func close() {
        try? handle.close()
    }

    /// The first bytes of a file as stored (for format detection, use `headDecoded`).
    static func head(path: String, count: Int = 4096) -> Data {
        guard let handle = FileHandle(forReadingAtPath: path) else { return Data() }
        defer { try? handle.close() }
        return (try? handle.read(upToCount: count)) ?? Data()
    }

    /// Not gzip: byte offsets are content offsets (the fast path splits such files between threads).
    static func isPlain(path: String) -> Bool {
        let magic = head(path: path, count: 2)
        return !(magic.count == 2 && magic[magic.startIndex] == 0x1F && magic[magic.startIndex + 1] == 0x8B)
    }

    /// The first bytes of a file's content, inflated if it is gzip.
    static func headDecoded(path: String, count: Int = 4096) -> Data {
        guard var source = try? ByteSource(path: path, chunkSize: 64 * 1024), let first = try? source.next() else { return Data() }
        source.close()
        return first.prefix(count)
    }
}

/// zlib's inflate for gzip streams (several members in a row are read as one, as `gunzip` does).
final class Inflater {
    private var stream = z_stream()
    private var input = Data()
    private var inputOffset = 0
    private(set) var atMemberEnd = false

    init() throws {
        let status = inflateInit2_(&stream, 16 + MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { throw ReportError("zlib could not start (\(status))") }
    }

    deinit { inflateEnd(&stream) }

    var needsInput: Bool { inputOffset >= input.count }

    func feed(_ data: Data) {
        input = data
        inputOffset = 0
    }

    func inflate(max: Int) throws -> Data {
        var out = Data(count: max)
        var produced = 0
        try input.withUnsafeMutableBytes { (inBuf: UnsafeMutableRawBufferPointer) in
            try out.withUnsafeMutableBytes { (outBuf: UnsafeMutableRawBufferPointer) in
                while inputOffset < inBuf.count && produced < max {
                    stream.next_in = inBuf.baseAddress!.assumingMemoryBound(to: Bytef.self) + inputOffset
                    stream.avail_in = uInt(inBuf.count - inputOffset)
                    stream.next_out = outBuf.baseAddress!.assumingMemoryBound(to: Bytef.self) + produced
                    stream.avail_out = uInt(max - produced)
                    let status = CZlib.inflate(&stream, Z_NO_FLUSH)
                    inputOffset = inBuf.count - Int(stream.avail_in)
                    produced = max - Int(stream.avail_out)
                    if status == Z_STREAM_END {
                        atMemberEnd = true
                        inflateReset(&stream)  // a following member starts here
                        continue
                    }
                    guard status == Z_OK || status == Z_BUF_ERROR else {
                        throw ReportError("the gzip data is damaged (zlib: \(stream.msg.map { String(cString: $0) } ?? String(status)))")
                    }
                    atMemberEnd = false
                    if status == Z_BUF_ERROR { break }
                }
            }
        }
        out.count = produced
        return out
    }
}
