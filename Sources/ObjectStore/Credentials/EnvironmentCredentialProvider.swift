import Foundation

/// Credentials from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and optional `AWS_SESSION_TOKEN`
/// (first in the standard chain).
public struct EnvironmentCredentialProvider: CredentialProvider {
    private let environment: [String: String]

    /// Reads from `environment` (default: the process environment).
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    public var name: String { "environment" }

    /// - Throws: `.credentials` when only one of the key id and the secret is set.
    public func resolve() async throws -> AWSCredentials? {
        let keyID = environment["AWS_ACCESS_KEY_ID"].flatMap { $0.isEmpty ? nil : $0 }
        let secret = environment["AWS_SECRET_ACCESS_KEY"].flatMap { $0.isEmpty ? nil : $0 }
        switch (keyID, secret) {
        case (nil, nil):
            return nil
        case (let keyID?, let secret?):
            let token = environment["AWS_SESSION_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
            return AWSCredentials(accessKeyID: keyID, secretAccessKey: secret, sessionToken: token, source: name)
        default:
            throw ObjectStoreError(code: .credentials,
                                   message: "partial credentials in the environment: set both AWS_ACCESS_KEY_ID "
                                       + "and AWS_SECRET_ACCESS_KEY (only \(keyID == nil ? "the secret" : "the key id") is set)")
        }
    }
}
