import Foundation

/// Settings of an ``S3ObjectStore``; every field has a default.
public struct S3Configuration: Sendable {
    /// How the bucket appears in request URLs.
    public enum Addressing: String, Sendable {
        /// `https://host/bucket/key` (moto, MinIO, buckets with dots).
        case path
        /// `https://bucket.host/key` (AWS default).
        case virtualHosted = "virtual"
        /// Virtual-hosted for AWS endpoints and DNS-safe bucket names; path-style otherwise.
        case auto
    }

    /// Server-side encryption requested on PUT, multipart create and copy.
    public enum ServerSideEncryption: Sendable, Equatable {
        /// No SSE headers (bucket default applies).
        case none
        /// `x-amz-server-side-encryption: AES256`.
        case s3
        /// `aws:kms` with an optional key id and S3 Bucket Key.
        case kms(keyID: String?, bucketKeyEnabled: Bool)
    }

    /// Retry policy: exponential backoff with full jitter.
    public struct Retry: Sendable {
        /// Total attempts per request (first try included).
        public var maxAttempts: Int = 5
        /// Base delay; attempt n sleeps a random time in 0…min(maxDelay, base·2ⁿ).
        public var baseDelay: Duration = .milliseconds(200)
        /// Cap of one sleep.
        public var maxDelay: Duration = .seconds(10)
        /// Defaults: 5 attempts, 200 ms base, 10 s cap.
        public init() {}
    }

    /// The bucket name.
    public var bucket: String
    /// Key prefix inside the bucket (no leading or trailing `/`; may be empty).
    public var prefix: String
    /// Signing region.
    public var region: String = "us-east-1"
    /// Custom endpoint (`AWS_ENDPOINT_URL_S3` / `AWS_ENDPOINT_URL`); nil → AWS.
    public var endpoint: URL?
    /// Bucket addressing.
    public var addressing: Addressing = .auto
    /// SSE headers.
    public var serverSideEncryption: ServerSideEncryption = .none
    /// Files at least this large are uploaded with multipart upload.
    public var multipartThreshold: Int64 = 16 << 20
    /// Part size (≥ 5 MiB; raised automatically so a file needs at most 10,000 parts).
    public var partSize: Int64 = 8 << 20
    /// Parts uploaded at once (memory stays bounded: parts stream from temp files).
    public var maxConcurrentParts: Int = 4
    /// Keys per ListObjectsV2 page (≤ 1000).
    public var listPageSize: Int = 1000
    /// Retries.
    public var retry = Retry()

    /// Creates a configuration for `bucket` and `prefix`.
    public init(bucket: String, prefix: String = "") {
        self.bucket = bucket
        self.prefix = prefix.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
    }

    /// Parses `s3://bucket/prefix` and applies the environment:
    /// `AWS_REGION`/`AWS_DEFAULT_REGION`, `AWS_ENDPOINT_URL_S3` over `AWS_ENDPOINT_URL`,
    /// `AWS_S3_ADDRESSING_STYLE` (`path`, `virtual`, `auto`), `SHOP_SUMMARY_S3_SSE`
    /// (`AES256` or `aws:kms`) with `SHOP_SUMMARY_S3_SSE_KMS_KEY_ID`.
    /// - Throws: `ObjectStoreError` `.invalidURL` naming the URL or variable.
    public static func from(url: String, environment: [String: String]) throws -> S3Configuration {
        guard url.hasPrefix("s3://") else {
            throw ObjectStoreError(code: .invalidURL, message: "not an s3:// URL: \(url)")
        }
        let rest = url.dropFirst("s3://".count)
        let bucket = String(rest.prefix { $0 != "/" })
        guard Self.isValidBucket(bucket) else {
            throw ObjectStoreError(code: .invalidURL,
                                   message: "invalid bucket name '\(bucket)' in \(url) (3–63 chars: a-z 0-9 . -)")
        }
        var config = S3Configuration(bucket: bucket, prefix: String(rest.dropFirst(bucket.count)))
        if let region = environment["AWS_REGION"] ?? environment["AWS_DEFAULT_REGION"], !region.isEmpty {
            config.region = region
        }
        for name in ["AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"] {
            guard let value = environment[name], !value.isEmpty else { continue }
            guard let endpoint = URL(string: value), endpoint.scheme == "http" || endpoint.scheme == "https",
                  endpoint.host != nil else {
                throw ObjectStoreError(code: .invalidURL, message: "\(name)='\(value)' is not an http(s) URL")
            }
            config.endpoint = endpoint
            break
        }
        if let style = environment["AWS_S3_ADDRESSING_STYLE"], !style.isEmpty {
            guard let parsed = Addressing(rawValue: style) else {
                throw ObjectStoreError(code: .invalidURL,
                                       message: "AWS_S3_ADDRESSING_STYLE='\(style)' (expected path, virtual or auto)")
            }
            config.addressing = parsed
        }
        switch environment["SHOP_SUMMARY_S3_SSE"] ?? "" {
        case "": break
        case "AES256": config.serverSideEncryption = .s3
        case "aws:kms":
            config.serverSideEncryption = .kms(keyID: environment["SHOP_SUMMARY_S3_SSE_KMS_KEY_ID"],
                                               bucketKeyEnabled: true)
        case let other:
            throw ObjectStoreError(code: .invalidURL,
                                   message: "SHOP_SUMMARY_S3_SSE='\(other)' (expected AES256 or aws:kms)")
        }
        return config
    }

    /// S3 bucket naming rules (lower-case letters, digits, `.` and `-`; 3–63 characters).
    static func isValidBucket(_ name: String) -> Bool {
        guard (3...63).contains(name.count), let first = name.first, let last = name.last,
              first.isLetter || first.isNumber, last.isLetter || last.isNumber else { return false }
        return name.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "." || $0 == "-" }
    }
}
