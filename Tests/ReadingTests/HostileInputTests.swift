import Foundation
import Testing
@testable import Reading
import ReportCore
import TestSupport

/// Hostile and broken input (the table of the hostile-input issue): each is a clear error naming the file (and
/// line, and field), never a crash, a hang or unbounded memory. The bounds are `InputLimits`.
@Suite struct HostileInputTests {
    static let yml = "timezone: UTC\n"

    /// The messages of reading a project, or [] when it reads.
    func errors(_ project: TestProject) -> [String] {
        do {
            _ = try ProjectReader(root: project.root).read { _, _ in }
            return []
        } catch let e as ReportErrors {
            return e.errors.map(\.description)
        } catch let e as ReportError {
            return [e.description]
        } catch {
            return ["\(error)"]
        }
    }

    func errors(_ files: [String: String]) throws -> [String] {
        errors(try TestProject(files: files.merging(["report.yml": Self.yml]) { a, _ in a }))
    }

    func sendGrid(timestamp: String) -> String {
        #"[{"email":"a@x.example","timestamp":\#(timestamp),"event":"delivered","sg_event_id":"e1","marketing_campaign_id":"c"}]"#
    }

    @Test(arguments: ["99999999999999999999", "1e300", "-5", "999999999999999"])
    func sendGridTimestampsOutOfRangeAreErrorsNotCrashes(timestamp: String) throws {
        let found = try errors(["data/sg.json": sendGrid(timestamp: timestamp)])
        #expect(found == [#"data/sg.json:1: field "timestamp": is not a Unix time (seconds, milliseconds or microseconds) within 1990 to 2100"#])
    }

    @Test func eventTimesOutsideTheSupportedYearsNameTheRow() throws {
        let csv = "time,campaign,recipient,event\n999999999999999,c,a@x.example,sent\n9999-12-31T00:00:00Z,c,a@x.example,delivered\n1980-01-01T00:00:00Z,c,a@x.example,open\n2026-11-17T09:00:00Z,c,a@x.example,click\n"
        let found = try errors(["data/e.csv": csv])
        #expect(found == [
            #"data/e.csv:2: column "time": "999999999999999" is not an ISO 8601 date-time or Unix time (10 digits seconds, 13 milliseconds, 16 microseconds)"#,
            #"data/e.csv:3: column "time": "9999-12-31T00:00:00Z" is outside the supported years (1990 to 2100)"#,
            #"data/e.csv:4: column "time": "1980-01-01T00:00:00Z" is outside the supported years (1990 to 2100)"#,
        ])
    }

    @Test func aSendDatedInTheYear9999IsAnError() throws {
        let found = try errors(["data/c.csv": "campaign,program,sent_at,sent\na,news,2026-11-17,10\nb,news,9999-12-31,10\n"])
        #expect(found == [#"data/c.csv:3: column "sent_at": "9999-12-31" is outside the supported years (1990 to 2100)"#])
    }

    @Test(arguments: [
        ("{warning: 1e300}", "must be from 1 to 1,000"), ("{warning: .nan}", "must be a number"), ("{warning: 2.5}", "must be a whole number"),
    ])
    func reportYMLNumbersAreRangeChecked(value: String, message: String) throws {
        let project = try TestProject(files: ["report.yml": "timezone: UTC\nthresholds:\n  messages_per_week: \(value)\n"])
        let found = errors(project)
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix("report.yml:3") == true, "\(found)")
        #expect(found.first?.contains(message) == true, "\(found)")
    }

    @Test func aYAMLAliasBombIsRefusedBeforeItIsBuilt() throws {
        var yml = "timezone: UTC\na: &a [x, x, x, x, x, x, x, x, x]\n"
        for i in 1...20 { yml += "b\(i): &b\(i) [*\(i == 1 ? "a" : "b\(i - 1)"), *\(i == 1 ? "a" : "b\(i - 1)")]\n" }
        yml += "? *b20\n: x\n"
        let project = try TestProject(files: ["report.yml": yml])
        let found = errors(project)
        #expect(found.count == 1)
        #expect(found.first?.contains("has more than 16 YAML aliases") == true, "\(found)")
    }

    /// A quote inside a word (`a"b`) opens no quoted scalar, so it cannot hide the aliases after it.
    @Test func aQuoteInsideAWordHidesNoAliases() throws {
        var yml = "timezone: UTC\ntitle: a\"b\nl: &l [x]\n"
        for i in 1...20 { yml += "k\(i): *l\n" }
        let found = errors(try TestProject(files: ["report.yml": yml]))
        #expect(found.first?.contains("has more than 16 YAML aliases") == true, "\(found)")
    }

    @Test func deepNestingInReportYMLAndInJSONIsAnError() throws {
        let yml = "timezone: UTC\ntitle: " + String(repeating: "[", count: 100) + String(repeating: "]", count: 100) + "\n"
        #expect(errors(try TestProject(files: ["report.yml": yml])).first?.contains("nests deeper than 64 levels") == true)
        let json = #"{"RecordType":"Delivery","x":"# + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}\n"
        let found = try errors(["data/pm.jsonl": json])
        #expect(found == ["data/pm.jsonl:1: JSON nested deeper than 64 levels"])
    }

    @Test func aFIFOAndADeviceInDataAreErrorsNamingThem() throws {
        let project = try TestProject(files: ["report.yml": Self.yml, "data/ok.csv": "campaign,program,sent_at,sent\na,news,2026-11-17,10\n"])
        #expect(mkfifo(project.root.appending(path: "data/pipe").path, 0o644) == 0)
        #expect(errors(project) == ["data/pipe: is not a regular file (a FIFO, socket or device): only files and folders are read under data/"])
        try FileManager.default.removeItem(at: project.root.appending(path: "data/pipe"))
        try FileManager.default.createSymbolicLink(atPath: project.root.appending(path: "data/zero.csv").path, withDestinationPath: "/dev/zero")
        #expect(errors(project) == ["data/zero.csv: is not a regular file (a FIFO, socket or device): only files and folders are read under data/"])
    }

    @Test func aFileNameThatIsNotUTF8IsAnErrorNamingItsBytes() throws {
        let project = try TestProject(files: ["report.yml": Self.yml, "data/ok.csv": "campaign,program,sent_at,sent\na,news,2026-11-17,10\n"])
        let name: [CChar] = Array((project.root.appending(path: "data").path + "/bad").utf8CString.dropLast()) + [CChar(bitPattern: 0xFF), 0x2E, 0x63, 0x73, 0x76, 0]
        let fd = open(name, O_CREAT | O_WRONLY, 0o644)
        #expect(fd >= 0)
        close(fd)
        #expect(errors(project) == [#"data: a file name here is not UTF-8 text: "bad\xFF.csv" (rename it to read it)"#])
    }

    @Test func hiddenFilesAreLeftOutWithALineSayingSo() throws {
        let project = try TestProject(files: ["report.yml": Self.yml, "data/ok.csv": "campaign,program,sent_at,sent\na,news,2026-11-17,10\n", "data/.DS_Store": "x"])
        let input = try ProjectReader(root: project.root).read { _, _ in }
        #expect(input.warnings.map(\.description) == ["data: left out 1 hidden file (names starting with a dot): data/.DS_Store"])
    }

    /// 20 MB with no line break: past the 16 MB record limit, found in one pass, the message short.
    @Test func aFileWithoutLineBreaksAndAHugeRowAreErrorsInOnePass() throws {
        let project = try TestProject(files: ["report.yml": Self.yml, "data/.keep-folder": ""])
        try FileManager.default.removeItem(at: project.root.appending(path: "data/.keep-folder"))
        let big = Data(repeating: UInt8(ascii: "a"), count: 20 << 20)
        try big.write(to: project.root.appending(path: "data/one-line.csv"))
        var found = errors(project)
        #expect(found == ["data/one-line.csv:1: a row is longer than 16 MB (the limit for one record; is this a CSV file?)"])
        try FileManager.default.removeItem(at: project.root.appending(path: "data/one-line.csv"))
        // A header of canonical events (the byte path) and one huge row.
        var events = Data("time,campaign,recipient,event\n".utf8)
        events.append(big)
        try events.write(to: project.root.appending(path: "data/events.csv"))
        found = errors(project)
        #expect(found == ["data/events.csv:2: a row is longer than 16 MB (the limit for one record; is this a CSV file?)"])
    }

    /// 300 MB of zero bytes compress to about 300 KB: a gzip bomb. Read as a project, the one endless row stops it
    /// at 16 MB; read for its bytes, the gzip bound stops it at 256 MB of output.
    @Test func aGzipBombIsStoppedWithinItsBound() throws {
        let project = try TestProject(files: ["report.yml": Self.yml, "data/.keep-folder": ""])
        try FileManager.default.removeItem(at: project.root.appending(path: "data/.keep-folder"))
        let gz = project.root.appending(path: "data/events.csv.gz").path
        let r = try runProcess(URL(fileURLWithPath: "/bin/sh"), ["-c", "head -c 300000000 /dev/zero | gzip -1 > '\(gz)'"])
        #expect(r.code == 0)
        #expect(errors(project) == ["data/events.csv.gz:1: a row is longer than 16 MB (the limit for one record; is this a CSV file?)"])
        var source = try ByteSource(path: gz)
        defer { source.close() }
        var produced = 0
        let e = #expect(throws: ReportError.self) {
            while let chunk = try source.next() { produced += chunk.count }
        }
        #expect(e?.message.hasPrefix("the gzip data expands more than 100 times") == true)
        #expect(produced <= InputLimits.gzipFreeBytes + (1 << 20))
    }

    @Test func longValuesAreCutInMessages() throws {
        let long = String(repeating: "x", count: 5000)
        let found = try errors(["data/e.csv": "time,campaign,recipient,event\n\(long),c,a@x.example,sent\n"])
        #expect(found.count == 1)
        #expect(found[0].count < 300)
        #expect(found[0].contains("xxxx…\""))
    }
}
