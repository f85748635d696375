/// Replaces known secret values with `[REDACTED]` in any text about to leave the process
/// (log lines, error messages, reports). Defence in depth: clients also never put secrets in
/// their messages, but a secret echoed back by a server or a library would be caught here.
public struct SecretRedactor: Sendable {
    /// Environment variables whose values are secrets.
    public static let secretVariables = [
        "GEMINI_API_KEY", "GOOGLE_API_KEY", "OPENAI_API_KEY", "SHOP_SUMMARY_LLM_API_KEY",
        "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "GOOGLE_OAUTH_ACCESS_TOKEN",
    ]

    private let secrets: [String]

    /// Redacts the given values (values shorter than 8 characters are ignored: too likely to
    /// match ordinary text, and too short to be real keys).
    public init(secrets: [String]) {
        self.secrets = Array(Set(secrets.filter { $0.count >= 8 })).sorted { $0.count > $1.count }
    }

    /// Redacts the values of ``secretVariables`` found in `environment`.
    public init(environment: [String: String]) {
        self.init(secrets: Self.secretVariables.compactMap { environment[$0] })
    }

    /// Whether there is anything to redact.
    public var isEmpty: Bool { secrets.isEmpty }

    /// `text` with every secret replaced.
    public func redact(_ text: String) -> String {
        guard !secrets.isEmpty else { return text }
        var out = text
        for secret in secrets where out.contains(secret) {
            out = out.replacing(secret, with: "[REDACTED]")
        }
        return out
    }
}

/// Wraps a handler and redacts secrets from the event and every string metadata value.
public struct RedactingLogHandler: LogHandler {
    private let inner: any LogHandler
    private let redactor: SecretRedactor

    public init(wrapping inner: any LogHandler, redactor: SecretRedactor) {
        self.inner = inner
        self.redactor = redactor
    }

    public func write(_ record: LogRecord) {
        var copy = record
        copy.event = redactor.redact(record.event)
        for (key, value) in record.metadata {
            if case .string(let s) = value { copy.metadata[key] = .string(redactor.redact(s)) }
        }
        inner.write(copy)
    }
}
