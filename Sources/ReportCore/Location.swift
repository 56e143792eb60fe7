/// Where something was read: a project-relative file, and where known its line and field.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible, Codable {
    public var file: String
    public var line: Int?
    public var field: String?

    public init(file: String, line: Int? = nil, field: String? = nil) {
        self.file = file
        self.line = line
        self.field = field
    }

    /// `data/week47.csv:212` — the field is spelled out by the message, as in `column "sent": …`.
    public var description: String {
        if let line { return "\(file):\(line)" }
        return file
    }
}

/// A rejected input or a failed step. The message never repeats the location; `description` joins them.
public struct ReportError: Error, Sendable, CustomStringConvertible, Equatable {
    public var location: SourceLocation?
    public var message: String

    public init(_ message: String, at location: SourceLocation? = nil) {
        self.location = location
        self.message = message
    }

    public var description: String {
        guard let location else { return message }
        if let field = location.field {
            return "\(location): \(field): \(message)"
        }
        return "\(location): \(message)"
    }
}

/// Several errors found in one pass, so a user fixes them all at once rather than one per run.
public struct ReportErrors: Error, Sendable, CustomStringConvertible {
    public var errors: [ReportError]
    public init(_ errors: [ReportError]) { self.errors = errors }
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}

/// A warning is kept, shown by `build`/`check`, and never stops a build.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible, Codable {
    public var location: SourceLocation?
    public var message: String
    public init(_ message: String, at location: SourceLocation? = nil) {
        self.location = location
        self.message = message
    }
    public var description: String {
        ReportError(message, at: location).description
    }
}
