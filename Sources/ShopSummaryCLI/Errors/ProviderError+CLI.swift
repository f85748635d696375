import Providers

/// How provider errors look on the command line. Messages never include keys or tokens
/// (the providers scrub them before building the error).
extension ProviderError: CLIReportableError {
    public var exitCode: Int32 {
        switch code {
        case .configuration: return ExitCode.unavailable
        case .io: return ExitCode.dataError
        case .cancelled: return ExitCode.interrupted
        case .rateLimited, .quotaExhausted, .transport, .timeout, .http, .auth, .batchFailed: return ExitCode.unavailable
        default: return ExitCode.failure
        }
    }

    public var cliMessage: String {
        var text = "error: \(description)"
        switch code {
        case .configuration:
            text += "\nhint: see 'shop-summary run --help' for --llm/--embedder and the provider environment variables"
        case .quotaExhausted:
            text += "\nhint: the per-day quota resets at midnight Pacific time; re-run later with the same --run-id to resume"
        case .auth:
            text += "\nhint: check GEMINI_API_KEY / GOOGLE_APPLICATION_CREDENTIALS / OPENAI_API_KEY"
        default:
            break
        }
        return text
    }
}
