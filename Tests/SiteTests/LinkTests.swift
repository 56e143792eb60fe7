import Foundation
import InboxReport
import Testing
import TestSupport

/// site.md: every internal link and anchor of a built site resolves, so the site works from file://.
@Suite struct LinkTests {
    /// Builds the bundled example into a temporary folder (the example itself is never written to, not even its build cache).
    static func buildExample() throws -> (TestProject, BuildSummary) {
        let out = try TestProject()
        let summary = try ReportProject(root: PackagePaths.example).build(options: BuildOptions(output: out.root.appending(path: "public"), useCache: false))
        return (out, summary)
    }

    func checkLinks(_ out: TestProject) throws -> [String] {
        var broken: [String] = []
        var idCache: [String: Set<String>] = [:]
        let base = out.root.appending(path: "public")
        for page in out.files(under: "public") where page.hasSuffix(".html") {
            let html = try #require(out.read("public/\(page)"))
            let dir = base.appending(path: page).deletingLastPathComponent()
            for link in links(in: html) {
                if link.hasPrefix("http://") || link.hasPrefix("https://") || link.hasPrefix("mailto:") {
                    broken.append("\(page): external link \(link)")
                    continue
                }
                let parts = link.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
                let target: URL
                if parts[0].isEmpty {
                    target = base.appending(path: page)
                } else if parts[0].hasPrefix("/") {
                    broken.append("\(page): \(link) starts at the server's root, which a file:// reader has not got")
                    continue
                } else {
                    target = dir.appending(path: parts[0]).standardizedFileURL
                }
                var isDir: ObjCBool = false
                guard FileManager.default.fileExists(atPath: target.path, isDirectory: &isDir), !isDir.boolValue else {
                    broken.append("\(page): \(link)")
                    continue
                }
                if parts.count == 2, !parts[1].isEmpty {
                    let key = target.path
                    if idCache[key] == nil {
                        idCache[key] = ids(in: String(decoding: FileManager.default.contents(atPath: key) ?? Data(), as: UTF8.self))
                    }
                    if !(idCache[key]!.contains(parts[1])) { broken.append("\(page): \(link) (no such anchor)") }
                }
            }
        }
        return broken
    }

    @Test func everyInternalLinkAndAnchorOfTheExampleResolves() throws {
        let (out, summary) = try Self.buildExample()
        #expect(summary.pages > 60)
        let broken = try checkLinks(out)
        #expect(broken.isEmpty, "\(broken.prefix(20).joined(separator: "\n"))")
    }

    @Test func everyInternalLinkOfASmallProjectResolves() throws {
        let project = try SiteFixtures.project()
        try SiteFixtures.build(project)
        #expect(try checkLinks(project).isEmpty)
    }

    @Test func theExampleBuildsWithoutWarnings() throws {
        let (_, summary) = try Self.buildExample()
        #expect(summary.warnings.map(\.description) == [])
        #expect(summary.sends >= 40)
        #expect(summary.eventRows > 5000)
    }

    @Test func theExampleOutputHasNoRecipientAddress() throws {
        let (out, _) = try Self.buildExample()
        // Every onboarding recipient is memberNNNNN@…: none may appear in any output file.
        let pattern = try NSRegularExpression(pattern: #"member\d{5}@"#)
        for path in out.files(under: "public") {
            let text = try #require(out.read("public/\(path)"))
            #expect(pattern.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) == nil, "\(path)")
        }
    }
}
