import Foundation

/// EKS Pod Identity / ECS container credentials from a local HTTP endpoint.
///
/// `AWS_CONTAINER_CREDENTIALS_FULL_URI` (http only to loopback, 169.254.170.2, 169.254.170.23 or
/// fd00:ec2::23; any https host) or `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` (on 169.254.170.2),
/// with `Authorization` from `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` (re-read every call) or
/// `AWS_CONTAINER_AUTHORIZATION_TOKEN`. The response is JSON
/// `{AccessKeyId, SecretAccessKey, Token, Expiration}`.
public struct ContainerCredentialProvider: CredentialProvider {
    private let environment: [String: String]
    private let transport: any HTTPTransport

    /// Creates the provider.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment,
                transport: any HTTPTransport = URLSessionTransport.shared) {
        self.environment = environment
        self.transport = transport
    }

    public var name: String { "container" }

    private struct Payload: Decodable {
        var AccessKeyId: String
        var SecretAccessKey: String
        var Token: String?
        var Expiration: String?
    }

    /// - Throws: `.credentials` for a disallowed host, an unreadable token file, a non-200 answer
    ///   or a malformed body (messages never contain the token or the keys).
    public func resolve() async throws -> AWSCredentials? {
        let urlText: String
        if let full = environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"], !full.isEmpty {
            urlText = full
        } else if let relative = environment["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"], !relative.isEmpty {
            urlText = "http://169.254.170.2" + relative
        } else {
            return nil
        }
        guard let url = URL(string: urlText), let host = url.host, Self.isAllowed(url) else {
            throw ObjectStoreError(code: .credentials,
                                   message: "container credentials URI \(urlText) is not allowed: use https, or http to "
                                       + "a loopback address, 169.254.170.2, 169.254.170.23 or fd00:ec2::23")
        }
        var headers: [(name: String, value: String)] = [("Accept", "application/json")]
        if let file = environment["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"], !file.isEmpty {
            do {
                let token = try String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
                headers.append(("Authorization", token))
            } catch {
                throw ObjectStoreError(code: .credentials,
                                       message: "cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE \(file)", cause: error)
            }
        } else if let token = environment["AWS_CONTAINER_AUTHORIZATION_TOKEN"], !token.isEmpty {
            headers.append(("Authorization", token))
        }
        let context = "container credentials from \(url.scheme ?? "http")://\(host)\(url.port.map { ":\($0)" } ?? "")\(url.path)"
        let response: HTTPResponse
        do {
            response = try await transport.send(HTTPRequest(method: "GET", url: url, headers: headers))
        } catch {
            throw ObjectStoreError(code: .credentials,
                                   message: S3ResponseError.classify(transport: error, context: context).error.message)
        }
        guard response.status == 200 else {
            throw ObjectStoreError(code: .credentials, message: "\(context): HTTP \(response.status)")
        }
        guard let payload = try? JSONDecoder().decode(Payload.self, from: response.body) else {
            throw ObjectStoreError(code: .credentials,
                                   message: "\(context): body is not {AccessKeyId, SecretAccessKey, Token, Expiration} JSON")
        }
        return AWSCredentials(accessKeyID: payload.AccessKeyId, secretAccessKey: payload.SecretAccessKey,
                              sessionToken: payload.Token,
                              expiration: payload.Expiration.flatMap(S3ObjectStore.parseISODate), source: name)
    }

    /// botocore's rule: https anywhere; http only to loopback or the ECS/EKS link-local agents.
    static func isAllowed(_ url: URL) -> Bool {
        guard let host = url.host?.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased() else { return false }
        if url.scheme == "https" { return true }
        guard url.scheme == "http" else { return false }
        if ["localhost", "::1", "169.254.170.2", "169.254.170.23", "fd00:ec2::23"].contains(host) { return true }
        let octets = host.split(separator: ".")
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }
}
