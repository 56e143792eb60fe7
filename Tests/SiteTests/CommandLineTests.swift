import Foundation
import Testing
import TestSupport

/// cli.md: exit codes and messages of the real executable.
@Suite struct CommandLineTests {
    let bin = PackagePaths.executable

    @Test func buildPrintsASummaryAndExitsZero() throws {
        let project = try SiteFixtures.project()
        let r = try runProcess(bin, ["build", project.root.path, "--output", project.root.appending(path: "out").path])
        #expect(r.code == 0, "\(r.err)")
        #expect(r.out.contains("Built"))
        #expect(r.out.contains("4 sends"))
        #expect(project.exists("out/index.html"))
    }

    /// Determinism across processes: each process seeds Swift's hashing anew, so an unsorted dictionary
    /// walk would show here, where two builds in one process would not. The bundled example, every file.
    @Test func twoProcessesBuildByteIdenticalSites() throws {
        let out = try TestProject(files: [:])
        for name in ["a", "b"] {
            let r = try runProcess(bin, ["build", PackagePaths.example.path, "--output",
                                         out.root.appending(path: name).path, "--quiet"])
            #expect(r.code == 0, "\(r.err)")
        }
        let files = out.files(under: "a")
        #expect(files.count > 100)
        #expect(files == out.files(under: "b"))
        for f in files {
            let a = try Data(contentsOf: out.root.appending(path: "a/\(f)")), b = try Data(contentsOf: out.root.appending(path: "b/\(f)"))
            #expect(a == b, "\(f) differs between two processes")
        }
    }

    @Test func badInputExitsOneNamingFileLineAndField() throws {
        let project = try SiteFixtures.project(extra: ["data/more.csv": "campaign,program,sent_at,sent\nx,newsletter,2026-11-17,12o4\n"])
        let r = try runProcess(bin, ["build", project.root.path], environment: ["NO_COLOR": "1"])
        #expect(r.code == 1)
        #expect(r.err.contains(#"error: data/more.csv:2: column "sent": "12o4" is not a whole number"#))
        #expect(!project.exists("public"))
    }

    @Test func badUsageExitsTwo() throws {
        #expect(try runProcess(bin, ["build", "--no-such-flag"]).code == 2)
        #expect(try runProcess(bin, ["frobnicate"]).code == 2)
        #expect(try runProcess(bin, ["build", "/no/such/folder"]).code == 2)
    }

    @Test func checkWritesNothing() throws {
        let project = try SiteFixtures.project()
        let r = try runProcess(bin, ["check", project.root.path])
        #expect(r.code == 0, "\(r.err)")
        #expect(r.out.hasPrefix("OK:"))
        #expect(!project.exists("public"))
    }

    @Test func initMakesAProjectThatBuilds() throws {
        let parent = try TestProject()
        let dir = parent.root.appending(path: "acme").path
        #expect(try runProcess(bin, ["init", dir]).code == 0)
        let r = try runProcess(bin, ["build", dir])
        #expect(r.code == 0, "\(r.err)")
        #expect(parent.exists("acme/public/index.html"))
        // init never overwrites a project.
        #expect(try runProcess(bin, ["init", dir]).code == 1)
    }

    @Test func versionAndHelp() throws {
        let v = try runProcess(bin, ["--version"])
        #expect(v.code == 0)
        #expect(v.out.trimmingCharacters(in: .whitespacesAndNewlines) == "0.1.0")
        let h = try runProcess(bin, ["build", "--help"])
        #expect(h.code == 0)
        #expect(h.out.contains("--lenient"))
    }
}
