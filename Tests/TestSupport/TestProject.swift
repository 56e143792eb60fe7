import Foundation

/// A throwaway report project on disk: write files by relative path, read outputs back, removed on deinit.
public final class TestProject {
    public let root: URL

    public init(files: [String: String] = [:]) throws {
        root = FileManager.default.temporaryDirectory.appending(path: "inbox-report-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        for (path, text) in files { try write(path, text) }
    }

    deinit {
        try? FileManager.default.removeItem(at: root)
    }

    public func write(_ path: String, _ text: String) throws {
        let url = root.appending(path: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    public func read(_ path: String) -> String? {
        FileManager.default.contents(atPath: root.appending(path: path).path).flatMap { String(data: $0, encoding: .utf8) }
    }

    public func exists(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: root.appending(path: path).path)
    }

    /// Every regular file under `folder`, by path relative to it, sorted.
    public func files(under folder: String) -> [String] {
        let base = root.appending(path: folder).path
        guard let walker = FileManager.default.enumerator(atPath: base) else { return [] }
        var out: [String] = []
        for case let rel as String in walker {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: base + "/" + rel, isDirectory: &isDir), !isDir.boolValue {
                out.append(rel)
            }
        }
        return out.sorted()
    }
}

/// The package's root folder (for the bundled example `site/` and the built executable).
public enum PackagePaths {
    public static func root(file: String = #filePath) -> URL {
        var url = URL(fileURLWithPath: file)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appending(path: "Package.swift").path) { return url }
        }
        fatalError("Package.swift not found above \(file)")
    }

    /// The bundled example, with its generated part (a year of newsletter events, not committed) written
    /// first if it is missing — `make test` writes it; a bare `swift test` gets it here.
    public static var example: URL { exampleReady }

    private static let exampleReady: URL = {
        let site = root().appending(path: "site")
        if !FileManager.default.fileExists(atPath: site.appending(path: "data/newsletter/events.csv").path) {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = ["python3", root().appending(path: "scripts/make-example-data.py").path, "--newsletter", site.path]
            try? p.run()
            p.waitUntilExit()
        }
        return site
    }()

    /// The `inbox-report` executable that `swift build --build-tests` built beside the tests.
    public static var executable: URL {
        let candidates = [".build/debug/inbox-report", ".build/x86_64-unknown-linux-gnu/debug/inbox-report", ".build/aarch64-unknown-linux-gnu/debug/inbox-report"]
        for c in candidates where FileManager.default.isExecutableFile(atPath: root().appending(path: c).path) {
            return root().appending(path: c)
        }
        return root().appending(path: candidates[0])
    }
}

/// Runs a command and returns its exit code, stdout and stderr.
public func runProcess(_ executable: URL, _ arguments: [String], cwd: URL? = nil, environment: [String: String]? = nil) throws -> (code: Int32, out: String, err: String) {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    if let cwd { process.currentDirectoryURL = cwd }
    if let environment { process.environment = environment }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
}
