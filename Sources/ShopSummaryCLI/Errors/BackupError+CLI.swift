import Backup

extension BackupError: CLIReportableError {
    /// Data problems (unsafe entries, checksums, damaged stores) → 65; missing backup → 66;
    /// object store trouble → 69; bad option values → 64; local I/O → 1.
    public var exitCode: Int32 {
        switch code {
        case .unsafeEntry, .corruptArchive, .checksumMismatch, .invalidManifest, .verificationFailed:
            ExitCode.dataError
        case .noBackup: ExitCode.noInput
        case .store: ExitCode.unavailable
        case .invalidArgument: ExitCode.usage
        default: ExitCode.failure
        }
    }

    /// One line with the message, one with the cause when there is one.
    public var cliMessage: String {
        var text = "error: \(shortDescription): \(message)"
        if let cause { text += "\n  cause: \(cause)" }
        return text
    }
}
