import ObjectStore

extension ObjectStoreError: CLIReportableError {
    /// Missing object → 66; bad store URL → 64; S3/STS/credentials/network trouble → 69;
    /// integrity or unparseable responses → 65; local I/O → 1.
    public var exitCode: Int32 {
        switch code {
        case .notFound: ExitCode.noInput
        case .invalidURL: ExitCode.usage
        case .accessDenied, .transport, .server, .credentials: ExitCode.unavailable
        case .integrity, .invalidResponse: ExitCode.dataError
        default: ExitCode.failure
        }
    }

    /// One line with the message (which never contains secrets), one with the cause when present.
    public var cliMessage: String {
        var text = "error: \(shortDescription): \(message)"
        if let cause { text += "\n  cause: \(cause)" }
        return text
    }
}
