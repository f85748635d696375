import Foundation

/// IRSA: exchanges the Kubernetes service-account token for temporary credentials with an
/// unsigned STS `AssumeRoleWithWebIdentity` POST.
///
/// Configured by `AWS_WEB_IDENTITY_TOKEN_FILE` + `AWS_ROLE_ARN` (+ `AWS_ROLE_SESSION_NAME`).
/// The token file is re-read on every call because kubelet rotates it. The STS endpoint is
/// `AWS_ENDPOINT_URL_STS`, else `AWS_ENDPOINT_URL`, else `https://sts.<region>.amazonaws.com`.
public struct WebIdentityCredentialProvider: CredentialProvider {
    private let environment: [String: String]
    private let transport: any HTTPTransport

    /// Creates the provider.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment,
                transport: any HTTPTransport = URLSessionTransport.shared) {
        self.environment = environment
        self.transport = transport
    }

    public var name: String { "web-identity" }

    /// The STS endpoint used.
    var endpoint: String {
        for key in ["AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL"] {
            if let value = environment[key], !value.isEmpty { return value }
        }
        let region = environment["AWS_REGION"] ?? environment["AWS_DEFAULT_REGION"] ?? "us-east-1"
        return "https://sts.\(region.isEmpty ? "us-east-1" : region).amazonaws.com"
    }

    /// - Throws: `.credentials` when the token file cannot be read, STS refuses the token, or the
    ///   response has no credentials. Messages name the file and role, never the token.
    public func resolve() async throws -> AWSCredentials? {
        guard let tokenFile = environment["AWS_WEB_IDENTITY_TOKEN_FILE"], !tokenFile.isEmpty,
              let roleARN = environment["AWS_ROLE_ARN"], !roleARN.isEmpty else { return nil }
        let token: String
        do {
            token = try String(contentsOfFile: tokenFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        } catch {
            throw ObjectStoreError(code: .credentials, message: "cannot read AWS_WEB_IDENTITY_TOKEN_FILE \(tokenFile)",
                                   cause: error)
        }
        let session = environment["AWS_ROLE_SESSION_NAME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? "shop-summary-\(Int(Date().timeIntervalSince1970))"
        let form = [("Action", "AssumeRoleWithWebIdentity"), ("Version", "2011-06-15"), ("RoleArn", roleARN),
                    ("RoleSessionName", session), ("WebIdentityToken", token)]
            .map { "\($0.0)=\(SigV4Encoding.encode($0.1))" }.joined(separator: "&")
        let context = "STS AssumeRoleWithWebIdentity for \(roleARN) at \(endpoint)"
        guard let url = URL(string: endpoint) else {
            throw ObjectStoreError(code: .credentials, message: "\(context): invalid STS endpoint URL")
        }
        let request = HTTPRequest(method: "POST", url: url,
                                  headers: [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"),
                                            ("Accept", "application/xml")],
                                  body: .data(Data(form.utf8)))
        let response: HTTPResponse
        do {
            response = try await transport.send(request)
        } catch {
            let mapped = S3ResponseError.classify(transport: error, context: context).error
            throw ObjectStoreError(code: .credentials, message: mapped.message)
        }
        guard (200..<300).contains(response.status) else {
            let mapped = S3ResponseError.classify(response, context: context).error
            throw ObjectStoreError(code: .credentials, message: mapped.message)
        }
        let root = try XMLNode.parse(response.body, context: context)
        guard let creds = root.find("AssumeRoleWithWebIdentityResult", "Credentials"),
              let keyID = creds.value("AccessKeyId"), let secret = creds.value("SecretAccessKey") else {
            throw ObjectStoreError(code: .credentials, message: "\(context): response has no Credentials element")
        }
        return AWSCredentials(accessKeyID: keyID, secretAccessKey: secret, sessionToken: creds.value("SessionToken"),
                              expiration: creds.value("Expiration").flatMap(S3ObjectStore.parseISODate), source: name)
    }
}
