import CryptoSupport
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Observability

/// ``ObjectStore`` over the S3 REST API (AWS, moto, MinIO), on an injected ``HTTPTransport``.
///
/// Keys are stored under `s3://bucket/prefix/<key>`. Every request is SigV4-signed with credentials
/// from the injected ``CredentialProvider`` (normally a ``CredentialChain``) and retried on
/// 5xx/SlowDown/network errors. Large files go through multipart upload from disk with bounded
/// memory.
public struct S3ObjectStore: ObjectStore {
    /// Bucket, prefix, endpoint, region, retries, SSE, part sizes.
    public let configuration: S3Configuration
    let transport: any HTTPTransport
    let credentialProvider: any CredentialProvider
    let logger: Logger
    let now: @Sendable () -> Date
    let signer: SigV4Signer

    /// Creates a store.
    /// - Parameters:
    ///   - configuration: see ``S3Configuration/from(url:environment:)``.
    ///   - credentials: where keys come from (e.g. ``CredentialChain/standard(environment:transport:)``).
    ///   - transport: HTTP implementation (default: the process-wide URLSession).
    ///   - logger: receives retry warnings (never secrets).
    ///   - now: clock used for signing.
    public init(configuration: S3Configuration, credentials: any CredentialProvider,
                transport: any HTTPTransport = URLSessionTransport.shared, logger: Logger = .disabled(),
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.configuration = configuration
        self.transport = transport
        self.credentialProvider = credentials
        self.logger = logger
        self.now = now
        self.signer = SigV4Signer(region: configuration.region, service: "s3")
    }

    public var displayURL: String {
        configuration.prefix.isEmpty ? "s3://\(configuration.bucket)" : "s3://\(configuration.bucket)/\(configuration.prefix)"
    }

    // MARK: - Objects

    public func put(_ data: Data, key: String) async throws {
        let call = S3Call(method: "PUT", objectKey: objectKey(key), headers: encryptionHeaders + [Self.binaryType],
                          body: .data(data), payloadHash: SHA256.hexHash(data))
        _ = try await execute(call, context: "S3 PUT \(display(key))")
    }

    public func putFile(_ fileURL: URL, key: String) async throws {
        let size = try Self.fileSize(fileURL)
        if size >= configuration.multipartThreshold {
            try await multipartUpload(fileURL, size: size, key: key)
            return
        }
        let hash: String
        do { hash = try SHA256.hexHash(fileAt: fileURL) } catch {
            throw ObjectStoreError(code: .io, message: "cannot read \(fileURL.path)", cause: error)
        }
        let call = S3Call(method: "PUT", objectKey: objectKey(key), headers: encryptionHeaders + [Self.binaryType],
                          body: .file(fileURL), payloadHash: hash)
        _ = try await execute(call, context: "S3 PUT \(display(key))")
    }

    public func get(key: String) async throws -> Data {
        try await execute(S3Call(method: "GET", objectKey: objectKey(key)), context: "S3 GET \(display(key))").body
    }

    /// Returns bytes `range` (inclusive offsets) of the object, via a `Range` request.
    /// - Throws: `.notFound` when the object is missing; `.server` (416) when the range starts past the end.
    public func get(key: String, range: ClosedRange<Int64>) async throws -> Data {
        let call = S3Call(method: "GET", objectKey: objectKey(key),
                          headers: [("Range", "bytes=\(range.lowerBound)-\(range.upperBound)")])
        return try await execute(call, context: "S3 GET \(display(key)) bytes=\(range)").body
    }

    public func getFile(key: String, to fileURL: URL) async throws {
        let directory = fileURL.deletingLastPathComponent()
        let temp = directory.appendingPathComponent(".\(fileURL.lastPathComponent).part-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: temp) }
        let response = try await execute(S3Call(method: "GET", objectKey: objectKey(key)),
                                         context: "S3 GET \(display(key))", download: temp)
        if let expected = response.header("content-length").flatMap({ Int64($0) }) {
            let actual = try Self.fileSize(temp)
            guard actual == expected else {
                throw ObjectStoreError(code: .integrity,
                                       message: "S3 GET \(display(key)): received \(actual) bytes, Content-Length \(expected)")
            }
        }
        // rename(2) replaces the destination atomically: readers see the old or the new file.
        guard rename(temp.path, fileURL.path) == 0 else {
            let code = errno
            throw ObjectStoreError(code: .io, message: "cannot move download of \(display(key)) to \(fileURL.path): "
                                   + String(cString: strerror(code)))
        }
    }

    public func head(key: String) async throws -> ObjectInfo? {
        let response: HTTPResponse
        do {
            response = try await execute(S3Call(method: "HEAD", objectKey: objectKey(key)),
                                         context: "S3 HEAD \(display(key))")
        } catch let error as ObjectStoreError where error.code == .notFound {
            return nil
        }
        let size = response.header("content-length").flatMap { Int64($0) } ?? 0
        let modified = response.header("last-modified").flatMap(Self.parseHTTPDate)
        let etag = response.header("etag").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
        return ObjectInfo(key: key, size: size, lastModified: modified, etag: etag)
    }

    public func copy(from sourceKey: String, to destinationKey: String) async throws {
        let source = "/\(configuration.bucket)/\(objectKey(sourceKey))"
        var headers = encryptionHeaders
        headers.append(("x-amz-copy-source", SigV4Encoding.encode(source, keepSlash: true)))
        headers.append(("x-amz-metadata-directive", "COPY"))
        let call = S3Call(method: "PUT", objectKey: objectKey(destinationKey), headers: headers, mayEmbedError: true)
        _ = try await execute(call, context: "S3 COPY \(display(sourceKey)) → \(display(destinationKey))")
    }

    /// Creates the bucket (setup and tests); an existing bucket owned by the caller is not an error.
    public func createBucket() async throws {
        var body = Data()
        if configuration.region != "us-east-1" {
            body = Data(("<CreateBucketConfiguration><LocationConstraint>\(configuration.region)"
                + "</LocationConstraint></CreateBucketConfiguration>").utf8)
        }
        let call = S3Call(method: "PUT", objectKey: nil, body: body.isEmpty ? .empty : .data(body),
                          payloadHash: SHA256.hexHash(body))
        do {
            _ = try await execute(call, context: "S3 CREATE BUCKET s3://\(configuration.bucket)")
        } catch let error as ObjectStoreError where error.message.contains("BucketAlreadyOwnedByYou") {
            return
        }
    }

    /// A presigned URL for `key` (default GET), valid for `expires` seconds (≤ 7 days).
    public func presignedURL(key: String, method: String = "GET", expires: Int = 3600) async throws -> URL {
        let credentials = try await credentialProvider.resolveRequired()
        guard let location = location(objectKey: objectKey(key), query: []) else {
            throw ObjectStoreError(code: .invalidURL, message: "cannot build a URL for \(display(key))")
        }
        let query = signer.presignQuery(method: method, path: location.path, query: [], host: location.host,
                                        credentials: credentials, date: now(), expires: expires)
        guard let url = URL(string: location.url.absoluteString + "?" + query) else {
            throw ObjectStoreError(code: .invalidURL, message: "cannot build a presigned URL for \(display(key))")
        }
        return url
    }

    // MARK: - Helpers

    /// Sent (and signed) on uploads so libcurl does not label objects as form data.
    static let binaryType: (name: String, value: String) = ("Content-Type", "application/octet-stream")

    static func fileSize(_ url: URL) throws -> Int64 {
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
            return (attributes[.size] as? NSNumber)?.int64Value ?? 0
        } catch {
            throw ObjectStoreError(code: .io, message: "cannot stat \(url.path)", cause: error)
        }
    }

    /// Parses RFC 7231 dates (`Wed, 21 Oct 2015 07:28:00 GMT`).
    static func parseHTTPDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: text)
    }

    /// Parses ISO 8601 timestamps with or without fractional seconds.
    static func parseISODate(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}
