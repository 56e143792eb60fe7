import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Maps a request target to a file under the site folder, refusing anything that would leave it:
/// `..` segments (plain or percent-encoded), NUL bytes, and symlinks that point outside.
public struct PathResolver: Sendable {
    public enum Resolution: Equatable, Sendable {
        case file(String)
        /// A folder requested without its trailing slash: redirect here.
        case redirect(String)
        case notFound
    }

    private let given: String
    private let resolvedRoot: String?

    public init(root: URL) {
        given = root.standardizedFileURL.path
        resolvedRoot = Self.realpath(given)
    }

    /// The site folder with symlinks resolved (resolved again per request while it does not exist yet).
    public var root: String { resolvedRoot ?? Self.realpath(given) ?? given }

    public func resolve(_ target: String) -> Resolution {
        let root = self.root
        // The query and fragment never name a file.
        var rawPath = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        if let hash = rawPath.firstIndex(of: "#") { rawPath = String(rawPath[..<hash]) }
        guard rawPath.hasPrefix("/") else { return .notFound }
        // Decoded exactly once: `%252e%252e` stays the literal text `%2e%2e`, a name no site has.
        guard let decoded = rawPath.removingPercentEncoding, !decoded.contains("\0"), !decoded.contains("\\") else {
            return .notFound
        }
        var segments: [String] = []
        for segment in decoded.split(separator: "/", omittingEmptySubsequences: true) {
            if segment == "." { continue }
            if segment == ".." { return .notFound }
            segments.append(String(segment))
        }
        let candidate = ([root] + segments).joined(separator: "/")
        guard let real = Self.realpath(candidate), real == root || real.hasPrefix(root + "/") else {
            return .notFound
        }
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: real, isDirectory: &isDir) else { return .notFound }
        if isDir.boolValue {
            guard decoded.hasSuffix("/") else { return .redirect(rawPath + "/") }
            let index = real + "/index.html"
            guard let realIndex = Self.realpath(index), realIndex.hasPrefix(root + "/") else { return .notFound }
            return .file(realIndex)
        }
        return .file(real)
    }

    static func realpath(_ path: String) -> String? {
        guard let resolved = Glibc.realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
