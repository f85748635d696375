import Pipeline

extension PipelineError: CLIReportableError {
    /// 66 missing input, 65 bad data/config, 64 bad argument, 75 interrupted, else 1.
    public var exitCode: Int32 {
        switch code {
        case .inputMissing, .inputUnreadable: ExitCode.noInput
        case .invalidMapping, .invalidRules, .invalidExamples, .embedderMismatch, .examplesMissing, .store:
            ExitCode.dataError
        case .invalidArgument: ExitCode.usage
        case .interrupted: ExitCode.interrupted
        default: ExitCode.failure
        }
    }

    public var cliMessage: String { "error: \(description)" }
}
