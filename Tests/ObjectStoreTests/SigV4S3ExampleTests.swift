import Foundation
import Testing
@testable import ObjectStore

/// The S3 API reference examples (examplebucket, 20130524T000000Z); expected signatures from
/// API-NOTES §3.1 (re-derived with botocore's S3SigV4Auth).
@Suite("SigV4 S3 documentation examples")
struct SigV4S3ExampleTests {
    static let credentials = AWSCredentials(accessKeyID: "AKIAIOSFODNN7EXAMPLE",
                                            secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    static let date = Date(timeIntervalSince1970: 1_369_353_600)  // 2013-05-24T00:00:00Z

    @Test func getObjectWithRange() {
        let sig = SigV4Signer(region: "us-east-1").sign(
            method: "GET", path: "/test.txt", query: [],
            headers: [("Host", "examplebucket.s3.amazonaws.com"), ("Range", "bytes=0-9"),
                      ("x-amz-content-sha256", SigV4Signer.emptyPayloadHash)],
            payloadHash: SigV4Signer.emptyPayloadHash, credentials: Self.credentials, date: Self.date)
        #expect(sig.signature == "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
        #expect(sig.authorization.contains("SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"))
    }

    @Test func presignedGet() {
        let query = SigV4Signer(region: "us-east-1").presignQuery(
            method: "GET", path: "/test.txt", query: [], host: "examplebucket.s3.amazonaws.com",
            credentials: Self.credentials, date: Self.date, expires: 86400)
        #expect(query.contains("&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"))
        #expect(query.contains("X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"))
    }

    @Test func tamperedInputsChangeSignature() {
        let signer = SigV4Signer(region: "us-east-1")
        func signature(secret: String, path: String) -> String {
            var creds = Self.credentials
            creds.secretAccessKey = secret
            return signer.sign(method: "GET", path: path, query: [], headers: [("Host", "h")],
                               payloadHash: SigV4Signer.unsignedPayload, credentials: creds, date: Self.date).signature
        }
        let good = signature(secret: Self.credentials.secretAccessKey, path: "/a")
        #expect(good != signature(secret: "other", path: "/a"))
        #expect(good != signature(secret: Self.credentials.secretAccessKey, path: "/b"))
    }

    @Test func keysAreEncodedOnceAndKeepSlashes() {
        #expect(SigV4Encoding.encode("a b/c+d~é", keepSlash: true) == "a%20b/c%2Bd~%C3%A9")
        #expect(SigV4Encoding.encode("a/b") == "a%2Fb")
        #expect(SigV4Encoding.canonicalQuery([("b", ""), ("a", "2"), ("a", "1")]) == "a=1&a=2&b=")
    }
}
