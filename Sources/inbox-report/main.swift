import ArgumentParser
import Foundation

// Exit codes (cli.md): 0 success, 1 a failed build or bad input, 2 bad usage.
do {
    var command = try InboxReportCommand.parseAsRoot()
    try command.run()
} catch {
    let code = InboxReportCommand.exitCode(for: error)
    if code == .success {
        print(InboxReportCommand.fullMessage(for: error))
        exit(0)
    }
    if let exitCode = error as? ExitCode {
        exit(exitCode.rawValue)
    }
    let message = InboxReportCommand.fullMessage(for: error)
    if !message.isEmpty { FileHandle.standardError.write(Data((message + "\n").utf8)) }
    exit(code == .validationFailure ? 2 : 1)
}
