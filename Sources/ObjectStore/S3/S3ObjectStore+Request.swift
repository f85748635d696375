import CryptoSupport
import Foundation
import Observability

/// One S3 call before signing.
struct S3Call: Sendable {
    var method: String
    /// Full object key in the bucket (prefix included); nil for bucket-level calls.
    var objectKey: String?
    var query: [(name: String, value: String)] = []
    /// Headers that are sent and signed (besides host, x-amz-date, x-amz-content-sha256).
    var headers: [(name: String, value: String)] = []
    var body: HTTPBody = .empty
    var payloadHash: String = SigV4Signer.emptyPayloadHash
    /// CopyObject and CompleteMultipartUpload can answer 200 with an `<Error>` body.
    var mayEmbedError = false
}

extension S3ObjectStore {
    // MARK: - Addressing

    /// Whether `configuration` resolves to virtual-hosted addressing.
    var usesVirtualHosting: Bool {
        switch configuration.addressing {
        case .path: return false
        case .virtualHosted: return true
        case .auto: return configuration.endpoint == nil && !configuration.bucket.contains(".")
        }
    }

    /// The endpoint used (custom or AWS regional).
    var endpointURL: URL {
        if let endpoint = configuration.endpoint { return endpoint }
        return URL(string: "https://s3.\(configuration.region).amazonaws.com")
            ?? URL(fileURLWithPath: "/")  // unreachable: the string is always a valid URL
    }

    /// Host header value, decoded path and URL for a call.
    func location(objectKey: String?, query: [(name: String, value: String)]) -> (host: String, path: String, url: URL)? {
        let base = endpointURL
        guard let scheme = base.scheme, let baseHost = base.host else { return nil }
        let port = base.port.map { ":\($0)" } ?? ""
        let basePath = base.path == "/" ? "" : base.path
        let host: String
        var path: String
        if usesVirtualHosting {
            host = "\(configuration.bucket).\(baseHost)\(port)"
            path = basePath + "/" + (objectKey ?? "")
        } else {
            host = "\(baseHost)\(port)"
            path = basePath + "/" + configuration.bucket + (objectKey.map { "/" + $0 } ?? "")
        }
        var text = "\(scheme)://\(host)\(SigV4Encoding.encode(path, keepSlash: true))"
        let queryText = SigV4Encoding.canonicalQuery(query)
        if !queryText.isEmpty { text += "?" + queryText }
        guard let url = URL(string: text) else { return nil }
        return (host, path, url)
    }

    /// Full key in the bucket for a store key.
    func objectKey(_ key: String) -> String {
        configuration.prefix.isEmpty ? key : configuration.prefix + "/" + key
    }

    /// `s3://bucket/prefix/key` for messages.
    func display(_ key: String) -> String { "s3://\(configuration.bucket)/\(objectKey(key))" }

    // MARK: - Signing and sending

    /// Builds the signed HTTP request for `call` at `date`.
    func signedRequest(_ call: S3Call, credentials: AWSCredentials, date: Date) throws -> HTTPRequest {
        guard let location = location(objectKey: call.objectKey, query: call.query) else {
            throw ObjectStoreError(code: .invalidURL,
                                   message: "cannot build a URL for bucket \(configuration.bucket) at \(endpointURL)")
        }
        var headers = call.headers
        headers.append(("Host", location.host))
        headers.append(("x-amz-content-sha256", call.payloadHash))
        let signature = signer.sign(method: call.method, path: location.path, query: call.query, headers: headers,
                                    payloadHash: call.payloadHash, credentials: credentials, date: date)
        // Host is set by URLSession from the URL; sending it twice would duplicate it.
        var sent = headers.filter { $0.name != "Host" }
        sent.append(contentsOf: signature.addedHeaders)
        return HTTPRequest(method: call.method, url: location.url, headers: sent, body: call.body)
    }

    /// Sends `call` with retries (5xx, SlowDown, throttling, network errors; exponential backoff
    /// with full jitter). Returns the 2xx response; throws the mapped ``ObjectStoreError``.
    /// - Parameter download: when set, a 2xx body is written to this file instead of memory.
    func execute(_ call: S3Call, context: String, download: URL? = nil) async throws -> HTTPResponse {
        var attempt = 0
        while true {
            attempt += 1
            let failure: (error: ObjectStoreError, retryable: Bool)
            do {
                let credentials = try await credentialProvider.resolveRequired()
                let request = try signedRequest(call, credentials: credentials, date: now())
                let response: HTTPResponse
                if let download {
                    response = try await transport.download(request, to: download)
                } else {
                    response = try await transport.send(request)
                }
                if (200..<300).contains(response.status) {
                    guard call.mayEmbedError, S3ResponseError.errorDocument(response.body) != nil else { return response }
                }
                failure = S3ResponseError.classify(response, context: context)
            } catch let error as ObjectStoreError {
                throw error
            } catch {
                failure = S3ResponseError.classify(transport: error, context: context)
            }
            guard failure.retryable, attempt < configuration.retry.maxAttempts else {
                var error = failure.error
                if attempt > 1 { error.message += " (after \(attempt) attempts)" }
                throw error
            }
            let delay = backoff(attempt: attempt)
            logger.warning("s3 request failed; retrying", [
                "s3.context": .string(context), "s3.attempt": .int(attempt),
                "error.short": .string(failure.error.shortDescription),
                "retry.delay_ms": .int(Int(delay.components.seconds * 1000 + delay.components.attoseconds / 1_000_000_000_000_000)),
            ])
            try await Task.sleep(for: delay)
        }
    }

    /// Full-jitter exponential backoff: uniform in 0…min(cap, base·2^(attempt−1)).
    func backoff(attempt: Int) -> Duration {
        let retry = configuration.retry
        let base = Double(retry.baseDelay.components.seconds) + Double(retry.baseDelay.components.attoseconds) / 1e18
        let cap = Double(retry.maxDelay.components.seconds) + Double(retry.maxDelay.components.attoseconds) / 1e18
        let ceiling = min(cap, base * pow(2, Double(min(attempt - 1, 30))))
        return .milliseconds(Int(Double.random(in: 0...max(ceiling, 0)) * 1000))
    }

    /// SSE headers for PUT, CreateMultipartUpload and CopyObject.
    var encryptionHeaders: [(name: String, value: String)] {
        switch configuration.serverSideEncryption {
        case .none:
            return []
        case .s3:
            return [("x-amz-server-side-encryption", "AES256")]
        case .kms(let keyID, let bucketKey):
            var headers: [(name: String, value: String)] = [("x-amz-server-side-encryption", "aws:kms")]
            if let keyID, !keyID.isEmpty { headers.append(("x-amz-server-side-encryption-aws-kms-key-id", keyID)) }
            if bucketKey { headers.append(("x-amz-server-side-encryption-bucket-key-enabled", "true")) }
            return headers
        }
    }
}
