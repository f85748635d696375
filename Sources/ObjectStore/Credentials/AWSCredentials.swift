import Foundation

/// An AWS access key pair, optionally temporary (session token + expiration).
///
/// `description` and `debugDescription` redact the secret and the session token, so the value
/// can be interpolated into logs and errors without leaking them.
public struct AWSCredentials: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The access key id (not secret; shown abbreviated in descriptions).
    public var accessKeyID: String
    /// The secret access key. Never printed.
    public var secretAccessKey: String
    /// The session token of temporary credentials. Never printed.
    public var sessionToken: String?
    /// When temporary credentials stop working; nil for long-term keys.
    public var expiration: Date?
    /// Which provider produced them (e.g. `environment`, `web-identity`), for messages.
    public var source: String

    /// Creates credentials.
    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil,
                expiration: Date? = nil, source: String = "static") {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.expiration = expiration
        self.source = source
    }

    /// True when the credentials expire within `margin` of `now` (or already have).
    public func expires(within margin: TimeInterval, of now: Date) -> Bool {
        guard let expiration else { return false }
        return expiration.timeIntervalSince(now) <= margin
    }

    /// Access key id with all but the first four characters masked.
    public var redactedKeyID: String {
        String(accessKeyID.prefix(4)) + String(repeating: "*", count: max(0, accessKeyID.count - 4))
    }

    public var description: String {
        var text = "AWSCredentials(source: \(source), accessKeyID: \(redactedKeyID), secret: <redacted>"
        if sessionToken != nil { text += ", sessionToken: <redacted>" }
        if let expiration { text += ", expiration: \(expiration)" }
        return text + ")"
    }

    public var debugDescription: String { description }
}
