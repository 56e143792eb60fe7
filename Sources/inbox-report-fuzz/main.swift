import Foundation
import EventFold
import Metrics
import Reading
import ReportCore
#if FUZZING
import CFuzzerDriver
#endif

/// The fuzzing harness (`make fuzz`): every reader and `report.yml`, under libFuzzer, through the same entry
/// the build uses (`ProjectReader.readFile` on a file under `data/`, `ConfigLoader.parse`). The target is
/// chosen by `INBOX_FUZZ_TARGET`:
///
/// | target | the input becomes |
/// |---|---|
/// | `config` | `report.yml` |
/// | `csv` | `data/input.csv`: detected as campaign results or canonical events (the byte path) |
/// | `json` | `data/input.jsonl`: canonical JSON, or a provider's export by detection |
/// | `gzip` | `data/input.csv.gz`: the bytes as gzip data |
/// | `sendgrid`, `ses`, `mailgun`, `postmark` | `data/input.jsonl` pinned to that provider's reader |
/// | `gmail-postmaster` | `data/input.json` pinned to the Postmaster Tools reader, then resolved and computed |
/// | `microsoft-snds` | `data/input.csv` pinned to the SNDS reader, then computed |
/// | `compact` | the build cache's `CompactCoder` bytes: decoded as a `Report`, and used as edits to a value's encoding (below) |
///
/// Random bytes seldom look like a `CompactCoder` value for long, so `compact` also reads its input as edits
/// of a valid encoding (`CompactSample`): the first byte, when under 64, how much of it to keep (in 64ths), then
/// triples of a position (two bytes) and a byte to put there; the edited bytes are decoded as the sample's type.
///
/// A rejected input (a `ReportError`, a `DecodingError`) is the expected outcome; only a crash, a hang or unbounded memory is a
/// finding. Built with `-sanitize=fuzzer` and `-D FUZZING` (the Makefile does it); an ordinary build makes a
/// program that says so.
enum Harness {
    static let target = ProcessInfo.processInfo.environment["INBOX_FUZZ_TARGET"] ?? "csv"
    static let project: URL = {
        let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        let url = URL(fileURLWithPath: base).appending(path: "inbox-report-fuzz-\(getpid())")
        try? FileManager.default.createDirectory(at: url.appending(path: "data"), withIntermediateDirectories: true)
        var yml = "timezone: Europe/Stockholm\n"
        if ["sendgrid", "ses", "mailgun", "postmark", "gmail-postmaster", "microsoft-snds"].contains(target) {
            yml += "inputs:\n  - path: \"data/*\"\n    format: \(target)\n"
        }
        try? yml.write(to: url.appending(path: "report.yml"), atomically: true, encoding: .utf8)
        return url
    }()
    static let file: String = {
        switch target {
        case "csv", "microsoft-snds": return "data/input.csv"
        case "gmail-postmaster": return "data/input.json"
        case "gzip": return "data/input.csv.gz"
        default: return "data/input.jsonl"
        }
    }()
    static let config: ReportConfig = (try? ProjectReader(root: project).loadConfig()) ?? ReportConfig()

    static func run(_ data: Data) {
        if target == "compact" {
            CompactSample.run([UInt8](data), config: config)
            return
        }
        if target == "config" {
            _ = try? ConfigLoader.parse(String(decoding: data, as: UTF8.self))
            return
        }
        try? data.write(to: project.appending(path: file))
        // Two workers, each parsing 64-byte stretches, against one thread: the same figures, or the same errors.
        let reader = ProjectReader(root: project, options: ReadOptions(parallelFromBytes: 0, stretchBytes: 64))
        let sink = EventAccumulator(shards: 2), one = EventAccumulator(shards: 1)
        let split = Result { try reader.readFile(file, config: config, into: sink) }
        let single = Result { try reader.readFile(file, config: config, into: one) }
        let contribution = try? split.get()
        switch (split, single) {
        case (.success, .success):
            let a = sink.summaries(), b = one.summaries()
            precondition(Set(a.keys) == Set(b.keys) && a.allSatisfy { b[$0.key]?.counts == $0.value.counts },
                         "two workers and one thread disagree on the figures: \(a.mapValues(\.counts)) vs \(b.mapValues(\.counts))")
        case (.failure(let a), .failure(let b)):
            precondition(String(describing: a) == String(describing: b), "two workers and one thread disagree on the errors")
        default:
            preconditionFailure("two workers and one thread disagree on whether the file reads")
        }
        if let mailbox = contribution?.mailbox, let (data, _) = try? mailbox.resolved() {
            _ = MailboxProviderReport.compute(data).alerts { _ in 0 }
        }
    }
}

/// A value with every kind of container and scalar the cache's types use, its encoding edited by the fuzzer.
struct CompactSample: Codable {
    enum Kind: String, Codable, CodingKeyRepresentable { case open, click }
    struct Row: Codable { var week: String; var counts: [Int]; var rate: Double?; var flags: [Bool] }
    var rows: [Row]
    var byName: [String: Row]
    var byKind: [Kind: [Int?]]
    var nested: [[String: [UInt64]]]
    var note: String?

    static let encoded: [UInt8] = {
        let row = Row(week: "2026-W47", counts: [0, -1, 1 << 40], rate: 0.25, flags: [true, false])
        let sample = CompactSample(rows: [row, Row(week: "", counts: [], rate: nil, flags: [])], byName: ["a": row, "ö": row],
                                   byKind: [.open: [1, nil], .click: []], nested: [[:], ["x": [.max, 0]]], note: "✉️")
        return try! CompactCoder.encode(sample)  // a failure here is a finding
    }()

    static func run(_ input: [UInt8], config: ReportConfig) {
        _ = try? CompactCoder.decode(Report.self, from: input, userInfo: [Report.configKey: config])
        var bytes = encoded
        if let cut = input.first, cut < 64 { bytes.removeLast(bytes.count - Int(cut) * bytes.count / 64) }  // a quarter of inputs cut it
        var i = 1
        while i + 2 < input.count, !bytes.isEmpty {
            bytes[(Int(input[i]) << 8 | Int(input[i + 1])) % bytes.count] = input[i + 2]
            i += 3
        }
        let decoded = try? CompactCoder.decode(CompactSample.self, from: bytes)
        // The encoding unedited must come back: else every other run would only be testing the errors.
        precondition(decoded != nil || bytes != encoded, "the unedited encoding of CompactSample does not decode")
    }
}

#if FUZZING
var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in
    Harness.run(Data(bytes: data!, count: size))
    return 0
})
#else
// Without libFuzzer: run each file named on the command line once (to replay a finding), else say how to fuzz.
let files = CommandLine.arguments.dropFirst()
if files.isEmpty {
    print("inbox-report-fuzz: build and run it with `make fuzz` (libFuzzer); given files, it reads each once.")
}
for path in files {
    guard let data = FileManager.default.contents(atPath: path) else { continue }
    Harness.run(data)
    print("read \(path) as \(Harness.target): no crash")
}
#endif
