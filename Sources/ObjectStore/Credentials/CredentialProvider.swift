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

extension CredentialProvider {
    /// Like ``resolve()`` but throws `.credentials` when no source is configured.
    public func resolveRequired() async throws -> AWSCredentials {
        guard let credentials = try await resolve() else {
            throw ObjectStoreError(
                code: .credentials,
                message: "no AWS credentials found (\(name)): set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, "
                    + "AWS_WEB_IDENTITY_TOKEN_FILE+AWS_ROLE_ARN, AWS_PROFILE or AWS_CONTAINER_CREDENTIALS_FULL_URI")
        }
        return credentials
    }
}
