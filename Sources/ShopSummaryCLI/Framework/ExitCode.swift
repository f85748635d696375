import Foundation

/// Process exit codes (sysexits.h where one fits). Documented in README.md.
public enum ExitCode {
    /// Everything succeeded.
    public static let success: Int32 = 0
    /// A step failed (partial results are in the report), or an internal error.
    public static let failure: Int32 = 1
    /// Bad command line (EX_USAGE).
    public static let usage: Int32 = 64
    /// Bad input data or a corrupt store (EX_DATAERR).
    public static let dataError: Int32 = 65
    /// An input file does not exist or cannot be read (EX_NOINPUT).
    public static let noInput: Int32 = 66
    /// A remote service (LLM, S3) is unavailable or refused us (EX_UNAVAILABLE).
    public static let unavailable: Int32 = 69
    /// Stopped by SIGTERM/SIGINT after flushing; re-running resumes (EX_TEMPFAIL).
    public static let interrupted: Int32 = 75
}

/// A usage error: printed as one line plus a hint to `--help`, exit code 64.
public struct UsageError: Error, Sendable, CLIReportableError {
    public var command: String
    public var message: String

    public init(command: String, message: String) {
        self.command = command
        self.message = message
    }

    public var exitCode: Int32 { ExitCode.usage }
    public var cliMessage: String {
        let help = command.isEmpty ? "shop-summary --help" : "shop-summary \(command) --help"
        return "error: \(message)\nhint: see '\(help)'"
    }
}

/// Errors that know how to present themselves to a person and which exit code they mean.
public protocol CLIReportableError: Error {
    /// Exit code for this error.
    var exitCode: Int32 { get }
    /// Full message for stderr (no stack traces, no secrets).
    var cliMessage: String { get }
}
