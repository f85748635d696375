import ObjectStore
import Testing
@testable import ShopSummaryCLI

@Suite("ObjectStoreError on the command line")
struct ObjectStoreErrorCLITests {
    @Test func exitCodesAndMessage() {
        #expect(ObjectStoreError(code: .notFound, message: "m").exitCode == ExitCode.noInput)
        #expect(ObjectStoreError(code: .accessDenied, message: "m").exitCode == ExitCode.unavailable)
        #expect(ObjectStoreError(code: .credentials, message: "m").exitCode == ExitCode.unavailable)
        #expect(ObjectStoreError(code: .invalidURL, message: "m").exitCode == ExitCode.usage)
        #expect(ObjectStoreError(code: .invalidResponse, message: "m").exitCode == ExitCode.dataError)
        let error = ObjectStoreError(code: .accessDenied,
                                     message: "S3 PUT s3://b/k: HTTP 403 SignatureDoesNotMatch")
        #expect(error.cliMessage == "error: access denied: S3 PUT s3://b/k: HTTP 403 SignatureDoesNotMatch")
    }
}
