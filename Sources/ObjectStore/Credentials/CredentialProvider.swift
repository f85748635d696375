import Foundation

/// A source of AWS credentials (environment, web identity, shared files, container endpoint …).
public protocol CredentialProvider: Sendable {
    /// Short name used in messages, e.g. `environment`.
    var name: String { get }
    /// Returns credentials, nil when this source is not configured, or throws when it is
    /// configured but fails (for example STS refused the web identity token).
    func resolve() async throws -> AWSCredentials?
}

/// Fixed credentials (tests, explicit configuration).
public struct StaticCredentialProvider: CredentialProvider {
    private let credentials: AWSCredentials
    /// Wraps `credentials`.
    public init(_ credentials: AWSCredentials) { self.credentials = credentials }
    public var name: String { "static" }
    public func resolve() async throws -> AWSCredentials? { credentials }
}
