import Foundation
import Observability

/// One runnable command. `init(arguments:)` validates (runs before `run`); `run` does the work.
public protocol CLICommand: Sendable {
    /// Path, help and options.
    static var configuration: CommandConfiguration { get }
    /// Validates parsed arguments; throw ``UsageError`` for bad combinations.
    init(arguments: ParsedArguments) throws
    /// Runs the command and returns its exit code.
    func run(_ context: CommandContext) async throws -> Int32
}

/// What every command receives: a logger, the environment, and an output sink.
public struct CommandContext: Sendable {
    /// Logger configured from `--log-level` and the terminal.
    public var logger: Logger
    /// Process environment (injected for tests).
    public var environment: [String: String]
    /// Writes to standard output (injected for tests).
    public var output: @Sendable (String) -> Void

    public init(logger: Logger, environment: [String: String], output: @escaping @Sendable (String) -> Void) {
        self.logger = logger
        self.environment = environment
        self.output = output
    }

    /// Prints one line to standard output.
    public func print(_ line: String) { output(line + "\n") }
}

/// Options every command accepts.
enum GlobalOptions {
    static let specs: [OptionSpec] = [
        OptionSpec("--log-level", .value(placeholder: "LEVEL"),
                   help: "trace|debug|info|notice|warning|error (default info)"),
    ]
}
