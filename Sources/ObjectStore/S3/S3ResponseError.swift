import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Maps S3/STS error responses and transport failures to ``ObjectStoreError`` and decides
/// whether they are worth retrying.
enum S3ResponseError {
    /// S3 error codes that mean "try again later".
    static let retryableCodes: Set<String> = [
        "SlowDown", "InternalError", "ServiceUnavailable", "RequestTimeout", "Throttling",
        "ThrottlingException", "RequestTimeTooSkewed", "TooManyRequests",
    ]
    /// Codes that mean the credentials or signature were refused.
    static let deniedCodes: Set<String> = [
        "AccessDenied", "SignatureDoesNotMatch", "InvalidAccessKeyId", "ExpiredToken", "InvalidToken",
        "InvalidClientTokenId", "AllAccessDisabled", "AccountProblem",
    ]

    /// The `<Error>` document of a body, if it is one: (code, message).
    static func errorDocument(_ body: Data) -> (code: String, message: String)? {
        guard !body.isEmpty, let root = try? XMLNode.parse(body, context: "error body") else { return nil }
        // S3: <Error><Code/>…</Error>; STS: <ErrorResponse><Error><Code/>…</Error></ErrorResponse>.
        guard let node = root.name == "Error" ? root : root.child("Error") else { return nil }
        return (node.value("Code") ?? "", node.value("Message") ?? "")
    }

    /// Classifies a non-2xx response (or a 2xx response that embeds an `<Error>`).
    /// - Parameter context: e.g. `S3 PUT s3://bucket/prefix/key`; must not contain secrets.
    static func classify(_ response: HTTPResponse, context: String) -> (error: ObjectStoreError, retryable: Bool) {
        let document = errorDocument(response.body)
        let s3Code = document?.code ?? ""
        var detail = "\(context): HTTP \(response.status)"
        if !s3Code.isEmpty { detail += " \(s3Code)" }
        if let message = document?.message, !message.isEmpty { detail += " (\(message))" }
        let code: ObjectStoreError.Code
        if response.status == 404 || s3Code == "NoSuchKey" || s3Code == "NoSuchBucket" || s3Code == "NoSuchUpload" {
            code = .notFound
        } else if response.status == 403 || deniedCodes.contains(s3Code) {
            code = .accessDenied
            if s3Code == "SignatureDoesNotMatch" { detail += "; check the secret access key and the clock" }
        } else if response.status >= 500 || retryableCodes.contains(s3Code) {
            code = .server
        } else {
            code = .server
            if let region = response.header("x-amz-bucket-region") {
                detail += "; the bucket is in region \(region): set AWS_REGION=\(region)"
            }
        }
        let retryable = [500, 502, 503, 504, 429].contains(response.status) || retryableCodes.contains(s3Code)
        return (ObjectStoreError(code: code, message: detail), retryable)
    }

    /// Classifies a thrown transport error.
    static func classify(transport error: any Error, context: String) -> (error: ObjectStoreError, retryable: Bool) {
        if let storeError = error as? ObjectStoreError { return (storeError, false) }
        if error is CancellationError {
            return (ObjectStoreError(code: .transport, message: "\(context): cancelled"), false)
        }
        let nsError = error as NSError
        var retryable = true
        if nsError.domain == NSURLErrorDomain {
            let permanent: Set<Int> = [
                URLError.cancelled.rawValue, URLError.badURL.rawValue, URLError.unsupportedURL.rawValue,
                URLError.cannotFindHost.rawValue,
            ]
            retryable = !permanent.contains(nsError.code)
        }
        let message = "\(context): \(nsError.localizedDescription) (\(nsError.domain) \(nsError.code))"
        return (ObjectStoreError(code: .transport, message: message), retryable)
    }
}
