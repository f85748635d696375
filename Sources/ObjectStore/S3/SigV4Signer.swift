import CryptoSupport
import Foundation

/// AWS Signature Version 4 with S3's canonicalisation rules.
///
/// S3 rules: the path is URI-encoded once (keeping `/`), never normalised (`//`, `.` and `..`
/// stay). Callers pass exactly the headers to sign (the signer adds `x-amz-date` and, for
/// session credentials, `x-amz-security-token`). The payload hash is either the hex SHA-256 of
/// the body or ``unsignedPayload``.
public struct SigV4Signer: Sendable {
    /// The payload-hash value that leaves the body unsigned (S3 only; fine over TLS).
    public static let unsignedPayload = "UNSIGNED-PAYLOAD"
    /// Hex SHA-256 of the empty body.
    public static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    /// The signing region, e.g. `us-east-1`.
    public var region: String
    /// The service name in the credential scope (`s3`, `sts`, or the test suite's `service`).
    public var service: String

    /// Creates a signer for `service` in `region`.
    public init(region: String, service: String = "s3") {
        self.region = region
        self.service = service
    }

    /// The result of header signing: the headers to add plus the intermediate strings (tests).
    public struct Signature: Sendable {
        /// Headers the caller must send in addition to its own: `X-Amz-Date`,
        /// `X-Amz-Security-Token` (session credentials) and `Authorization`.
        public var addedHeaders: [(name: String, value: String)]
        /// The canonical request (contains no secret, but may contain the session token).
        public var canonicalRequest: String
        /// The string to sign.
        public var stringToSign: String
        /// The hex signature.
        public var signature: String
        /// The `Authorization` header value.
        public var authorization: String
    }

    /// Signs a request for the `Authorization` header.
    /// - Parameters:
    ///   - method: HTTP method (upper case).
    ///   - path: the decoded path (object keys as-is), starting with `/`.
    ///   - query: decoded query pairs (duplicates allowed).
    ///   - headers: the headers to sign, including `host` (any case; duplicates joined with `,`).
    ///   - payloadHash: hex SHA-256 of the body or ``unsignedPayload``.
    ///   - credentials: the key pair; the session token is signed when present.
    ///   - date: the request time.
    ///   - signSessionToken: false only for services that add the token after signing.
    public func sign(method: String, path: String, query: [(name: String, value: String)],
                     headers: [(name: String, value: String)], payloadHash: String,
                     credentials: AWSCredentials, date: Date,
                     signSessionToken: Bool = true) -> Signature {
        let amzDate = SigV4Encoding.amzDate(date)
        var signed = headers
        if !signed.contains(where: { $0.name.lowercased() == "x-amz-date" }) {
            signed.append(("X-Amz-Date", amzDate))
        }
        var added: [(name: String, value: String)] = [("X-Amz-Date", amzDate)]
        if let token = credentials.sessionToken,
           !signed.contains(where: { $0.name.lowercased() == "x-amz-security-token" }) {
            if signSessionToken { signed.append(("X-Amz-Security-Token", token)) }
            added.append(("X-Amz-Security-Token", token))
        }
        let (canonicalHeaders, signedNames) = Self.canonicalHeaders(signed)
        let canonical = [
            method, SigV4Encoding.encode(path, keepSlash: true), SigV4Encoding.canonicalQuery(query),
            canonicalHeaders, signedNames, payloadHash,
        ].joined(separator: "\n")
        let scope = "\(SigV4Encoding.scopeDate(date))/\(region)/\(service)/aws4_request"
        let stringToSign = "AWS4-HMAC-SHA256\n\(amzDate)\n\(scope)\n\(SHA256.hexHash(canonical))"
        let signature = Hex.encode(HMACSHA256.mac(key: signingKey(credentials, date: date), message: stringToSign))
        let authorization = "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope), "
            + "SignedHeaders=\(signedNames), Signature=\(signature)"
        added.append(("Authorization", authorization))
        return Signature(addedHeaders: added, canonicalRequest: canonical, stringToSign: stringToSign,
                         signature: signature, authorization: authorization)
    }

    /// Builds a presigned URL query (`X-Amz-*` parameters plus `X-Amz-Signature`).
    /// - Parameters:
    ///   - host: the `Host` header value (the only signed header).
    ///   - expires: validity in seconds, 1…604800.
    /// - Returns: the complete, encoded query string to append after `?`.
    public func presignQuery(method: String, path: String, query: [(name: String, value: String)],
                             host: String, credentials: AWSCredentials, date: Date,
                             expires: Int) -> String {
        let scope = "\(SigV4Encoding.scopeDate(date))/\(region)/\(service)/aws4_request"
        var items = query
        items.append(("X-Amz-Algorithm", "AWS4-HMAC-SHA256"))
        items.append(("X-Amz-Credential", "\(credentials.accessKeyID)/\(scope)"))
        items.append(("X-Amz-Date", SigV4Encoding.amzDate(date)))
        items.append(("X-Amz-Expires", String(min(max(expires, 1), 604_800))))
        items.append(("X-Amz-SignedHeaders", "host"))
        if let token = credentials.sessionToken { items.append(("X-Amz-Security-Token", token)) }
        let canonical = [
            method, SigV4Encoding.encode(path, keepSlash: true), SigV4Encoding.canonicalQuery(items),
            "host:\(host)\n", "host", Self.unsignedPayload,
        ].joined(separator: "\n")
        let stringToSign = "AWS4-HMAC-SHA256\n\(SigV4Encoding.amzDate(date))\n\(scope)\n\(SHA256.hexHash(canonical))"
        let signature = Hex.encode(HMACSHA256.mac(key: signingKey(credentials, date: date), message: stringToSign))
        items.append(("X-Amz-Signature", signature))
        return SigV4Encoding.canonicalQuery(items)
    }

    // MARK: - Internals

    private func signingKey(_ credentials: AWSCredentials, date: Date) -> [UInt8] {
        let kDate = HMACSHA256.mac(key: Array("AWS4\(credentials.secretAccessKey)".utf8),
                                   message: SigV4Encoding.scopeDate(date))
        let kRegion = HMACSHA256.mac(key: kDate, message: region)
        let kService = HMACSHA256.mac(key: kRegion, message: service)
        return HMACSHA256.mac(key: kService, message: "aws4_request")
    }

    /// Lower-cases names, trims values and collapses inner whitespace runs (including folded
    /// lines) to one space, joins repeated names with `,` in order, sorts by name.
    static func canonicalHeaders(_ headers: [(name: String, value: String)]) -> (String, String) {
        var merged: [String: [String]] = [:]
        for (name, value) in headers {
            merged[name.lowercased(), default: []].append(collapse(value))
        }
        let names = merged.keys.sorted()
        var text = ""
        for name in names { text += "\(name):\(merged[name, default: []].joined(separator: ","))\n" }
        return (text, names.joined(separator: ";"))
    }

    private static func collapse(_ value: String) -> String {
        value.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" })
            .joined(separator: " ")
    }
}
