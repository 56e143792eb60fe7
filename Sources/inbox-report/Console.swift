import ArgumentParser
import Foundation
import InboxReport
import ReportCore

/// The last percentage shown, shared by the reading threads.
final class ProgressState: @unchecked Sendable {
    private let lock = NSLock()
    private var shown = -1
    func advance(to percent: Int) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard percent > shown else { return false }
        shown = percent
        return true
    }
}

/// Terminal output: results on stdout, progress, warnings and errors on stderr. Progress only when stderr is
/// a terminal; colour only on a terminal and never with NO_COLOR set.
struct Console {
    let quiet: Bool
    let isTerminal = isatty(STDERR_FILENO) == 1
    var color: Bool { isTerminal && ProcessInfo.processInfo.environment["NO_COLOR"] == nil }

    func out(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    func err(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    func warn(_ message: String) {
        err((color ? "\u{1B}[33mwarning:\u{1B}[0m " : "warning: ") + message)
    }

    func error(_ message: String) {
        err((color ? "\u{1B}[31merror:\u{1B}[0m " : "error: ") + message)
    }

    /// `[2/4] Computing metrics`, overwritten in place on a terminal.
    func step(_ step: BuildStep) {
        guard isTerminal && !quiet else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K[\(step.rawValue)/\(BuildStep.allCases.count)] \(step.title)…".utf8))
    }

    /// `[1/4] Reading data/events.csv  42% (290 of 687 MB)`, on a terminal only, at most every whole percent.
    var progress: ((String, Int64, Int64) -> Void)? {
        guard isTerminal && !quiet else { return nil }
        let last = ProgressState()
        return { file, done, total in
            guard total > 1 << 20 else { return }
            let percent = Int(done * 100 / max(total, 1))
            guard last.advance(to: percent) else { return }
            FileHandle.standardError.write(Data("\r\u{1B}[2K[1/4] Reading \(file)  \(percent)% (\(done >> 20) of \(total >> 20) MB)".utf8))
        }
    }

    func finishProgress() {
        guard isTerminal && !quiet else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
    }

    func report(_ summary: BuildSummary, verbose: Bool) {
        for w in summary.warnings { warn(w.description) }
        if verbose {
            for (file, columns) in summary.unknownColumns.sorted(by: { $0.key < $1.key }) where !columns.isEmpty {
                err("note: \(file): columns not used: \(columns.joined(separator: ", "))")
            }
        }
    }

    /// Runs the work; any failure is printed as errors (one per line) and the command exits with 1.
    func failing<T>(_ work: () throws -> T) throws -> T {
        do {
            return try work()
        } catch let errors as ReportErrors {
            finishProgress()
            for e in errors.errors { error(e.description) }
            if errors.errors.count >= 50 { err("(stopped after 50 errors)") }
            throw ExitCode.failure
        } catch let e as ValidationError {
            throw e
        } catch {
            finishProgress()
            self.error(String(describing: error))
            throw ExitCode.failure
        }
    }

    static func seconds(_ s: Double) -> String {
        s < 10 ? String(format: "%.2f s", s) : String(format: "%.1f s", s)
    }

    static func relative(_ url: URL) -> String {
        let cwd = FileManager.default.currentDirectoryPath
        let path = url.path
        return path.hasPrefix(cwd + "/") ? String(path.dropFirst(cwd.count + 1)) + "/" : path + "/"
    }
}
