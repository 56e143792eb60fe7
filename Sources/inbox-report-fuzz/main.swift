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
///
/// A rejected input (a `ReportError`) is the expected outcome; only a crash, a hang or unbounded memory is a
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
        if target == "config" {
            _ = try? ConfigLoader.parse(String(decoding: data, as: UTF8.self))
            return
        }
        try? data.write(to: project.appending(path: file))
        let sink = EventAccumulator(shards: 2)
        let contribution = try? ProjectReader(root: project, options: ReadOptions(parallelFromBytes: 4096)).readFile(file, config: config, into: sink)
        _ = sink.summaries()
        if let mailbox = contribution?.mailbox, let (data, _) = try? mailbox.resolved() {
            _ = MailboxProviderReport.compute(data).alerts { _ in 0 }
        }
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
