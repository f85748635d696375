import CryptoSupport
import Foundation

/// The fields of a Google service-account JSON key file that the JWT flow needs.
public struct ServiceAccountKey: Sendable {
    /// `client_email`: the JWT issuer.
    public var clientEmail: String
    /// `private_key`: PKCS#8 PEM. Secret: never logged.
    public var privateKeyPEM: String
    /// `private_key_id`: the JWT `kid`.
    public var privateKeyID: String?
    /// `token_uri`: where the assertion is exchanged.
    public var tokenURI: URL
    /// `project_id`, used when no project is configured.
    public var projectID: String?

    /// Loads and checks a key file.
    /// - Throws: ``ProviderError`` `.configuration` naming the file and the missing field.
    public static func load(from url: URL) throws -> ServiceAccountKey {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw ProviderError(code: .configuration, message: "cannot read service-account key file \(url.path)")
        }
        return try parse(data, source: url.path)
    }

    /// Parses key JSON; `source` names it in errors.
    public static func parse(_ data: Data, source: String) throws -> ServiceAccountKey {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw ProviderError(code: .configuration, message: "\(source): not a JSON object")
        }
        func field(_ name: String) throws -> String {
            guard let value = object[name] as? String, !value.isEmpty else {
                throw ProviderError(code: .configuration, message: "\(source): field \"\(name)\" is missing")
            }
            return value
        }
        let type = object["type"] as? String ?? ""
        guard type == "service_account" else {
            throw ProviderError(code: .configuration,
                                message: "\(source): field \"type\" is \"\(type)\", expected \"service_account\"")
        }
        let uriText = (object["token_uri"] as? String) ?? "https://oauth2.googleapis.com/token"
        guard let uri = URL(string: uriText), uri.scheme != nil else {
            throw ProviderError(code: .configuration, message: "\(source): field \"token_uri\" is not a URL")
        }
        return ServiceAccountKey(clientEmail: try field("client_email"), privateKeyPEM: try field("private_key"),
                                 privateKeyID: object["private_key_id"] as? String, tokenURI: uri,
                                 projectID: object["project_id"] as? String)
    }

    /// Builds a signed RS256 JWT assertion for the OAuth `jwt-bearer` grant.
    /// - Parameters:
    ///   - issuedAt: `iat` in Unix seconds; `exp` is one hour later (the maximum).
    ///   - scope: OAuth scope (`cloud-platform`).
    /// - Throws: ``ProviderError`` `.auth` when the key cannot sign.
    public func makeAssertion(issuedAt: Int, scope: String = ServiceAccountKey.cloudPlatformScope) throws -> String {
        var header: [String: String] = ["alg": "RS256", "typ": "JWT"]
        if let privateKeyID { header["kid"] = privateKeyID }
        let claims: [String: Any] = ["iss": clientEmail, "scope": scope, "aud": tokenURI.absoluteString,
                                     "iat": issuedAt, "exp": issuedAt + 3600]
        let headerJSON = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        let claimsJSON = try JSONSerialization.data(withJSONObject: claims, options: [.sortedKeys])
        let signingInput = Base64URL.encode(headerJSON) + "." + Base64URL.encode(claimsJSON)
        do {
            let signer = try RSASigner(pem: privateKeyPEM)
            let signature = try signer.sign(Array(signingInput.utf8))
            return signingInput + "." + Base64URL.encode(signature)
        } catch let error as RSASigner.SigningError {
            throw ProviderError(code: .auth, message: "service account \(clientEmail): \(error.message)")
        }
    }

    /// `https://www.googleapis.com/auth/cloud-platform`.
    public static let cloudPlatformScope = "https://www.googleapis.com/auth/cloud-platform"
}
