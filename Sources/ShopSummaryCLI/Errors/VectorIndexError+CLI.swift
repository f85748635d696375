import VectorIndex

/// How index errors look on the command line (the store usually wraps them in `StorageError`).
extension VectorIndexError: CLIReportableError {
    public var exitCode: Int32 {
        switch code {
        case .corruptIndex, .formatVersion, .dimensionMismatch: return ExitCode.dataError
        case .invalidArgument: return ExitCode.usage
        default: return ExitCode.failure
        }
    }

    public var cliMessage: String {
        var text = "error: \(description)"
        if code == .corruptIndex {
            text += "\nhint: 'shop-summary db verify' lists damaged index files; they are rebuilt from the segment rows"
        }
        return text
    }
}
