import Foundation
import ReportCore

/// Reads a file in fixed-size chunks so that large inputs are streamed, never loaded whole.
struct ByteSource {
    private let handle: FileHandle
    private let chunkSize: Int

    init(path: String, chunkSize: Int = 1 << 20) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ReportError("cannot open the file")
        }
        self.handle = handle
        self.chunkSize = chunkSize
    }

    /// The next chunk, or nil at the end of the file.
    mutating func next() throws -> Data? {
        let data = try handle.read(upToCount: chunkSize) ?? Data()
        return data.isEmpty ? nil : data
    }

    func close() {
        try? handle.close()
    }

    /// The first bytes of a file, for format detection.
    static func head(path: String, count: Int = 4096) -> Data {
        guard let handle = FileHandle(forReadingAtPath: path) else { return Data() }
        defer { try? handle.close() }
        return (try? handle.read(upToCount: count)) ?? Data()
    }
}
