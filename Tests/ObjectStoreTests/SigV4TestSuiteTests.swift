import Foundation
import Testing
@testable import ObjectStore

/// Runs AWS's SigV4 test suite (`../shared/data/aws-sigv4-testsuite`, from botocore's sdist)
/// through ``SigV4Signer`` with S3 canonicalisation rules.
///
/// Cases that do NOT apply to S3-style signing (and why) — also listed in docs/modules/s3.md:
/// - `normalize-path/get-relative`, `get-relative-relative`, `get-slash`, `get-slash-dot-slash`,
///   `get-slash-pointless-dot`, `get-slashes`: they expect `.`/`..`/`//` path normalisation; S3
///   must sign the path exactly as sent (an object key may contain `//` or `..`). These are checked
///   below to produce the *un-normalised* canonical path instead.
/// - `post-sts-token/post-sts-header-after`: adds the session token after signing; S3 requires
///   `x-amz-security-token` to be signed. (Our signer still reproduces it with
///   `signSessionToken: false`, which is exercised here too.)
/// `normalize-path/get-space` and `get-special-character` do apply (single encoding) and pass.
/// Suite cases carry no `x-amz-content-sha256` header (generic services); the signer signs exactly
/// the headers it is given, so they run unchanged with the body's SHA-256 as payload hash.
@Suite("SigV4 AWS test suite")
struct SigV4TestSuiteTests {
    static let suiteDir: String = {
        let here = URL(fileURLWithPath: #filePath)
        return here.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("../shared/data/aws-sigv4-testsuite").standardizedFileURL.path
    }()
    static var suitePresent: Bool { FileManager.default.fileExists(atPath: suiteDir) }

    static let credentials = AWSCredentials(accessKeyID: "AKIDEXAMPLE",
                                            secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    static let date = Date(timeIntervalSince1970: 1_440_938_160)  // 20150830T123600Z
    static let notApplicable: Set<String> = [
        "normalize-path/get-relative", "normalize-path/get-relative-relative", "normalize-path/get-slash",
        "normalize-path/get-slash-dot-slash", "normalize-path/get-slash-pointless-dot",
        "normalize-path/get-slashes", "post-sts-token/post-sts-header-after",
    ]

    /// Every case folder (relative path), found by its `.req` file.
    static func allCases() -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: suiteDir) else { return [] }
        var cases: [String] = []
        while let item = walker.nextObject() as? String {
            if item.hasSuffix(".req") { cases.append((item as NSString).deletingLastPathComponent) }
        }
        return cases.sorted()
    }

    static func read(_ caseDir: String, _ ext: String) throws -> String {
        let name = (caseDir as NSString).lastPathComponent
        return try String(contentsOfFile: "\(suiteDir)/\(caseDir)/\(name).\(ext)", encoding: .utf8)
    }

    static func sign(_ caseDir: String, signToken: Bool = true) throws -> SigV4Signer.Signature {
        let request = try SuiteRequest(raw: read(caseDir, "req"))
        var creds = credentials
        if caseDir == "get-vanilla-with-session-token" {
            // botocore's harness supplies this token for that case (it is not in the .req).
            creds.sessionToken = "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267"
        }
        return SigV4Signer(region: "us-east-1", service: "service").sign(
            method: request.method, path: request.path, query: request.query, headers: request.headers,
            payloadHash: SHA256Hex.of(request.body), credentials: creds, date: date,
            signSessionToken: signToken)
    }

    @Test(.enabled(if: suitePresent, "needs ../shared/data/aws-sigv4-testsuite"))
    func suiteHasAllCases() {
        // 24 top-level cases + 8 normalize-path + 2 post-sts-token sub-cases.
        #expect(Self.allCases().count == 34)
    }

    @Test(.enabled(if: suitePresent, "needs ../shared/data/aws-sigv4-testsuite"))
    func everyApplicableCaseMatches() throws {
        var checked = 0
        for caseDir in Self.allCases() where !Self.notApplicable.contains(caseDir) {
            let sig = try Self.sign(caseDir)
            #expect(sig.canonicalRequest == (try Self.read(caseDir, "creq")), "creq \(caseDir)")
            #expect(sig.stringToSign == (try Self.read(caseDir, "sts")), "sts \(caseDir)")
            #expect(sig.authorization == (try Self.read(caseDir, "authz")), "authz \(caseDir)")
            checked += 1
        }
        #expect(checked == 27)  // 34 cases − 7 not applicable
    }

    @Test(.enabled(if: suitePresent, "needs ../shared/data/aws-sigv4-testsuite"))
    func tokenAddedAfterSigningReproducible() throws {
        let caseDir = "post-sts-token/post-sts-header-after"
        let request = try SuiteRequest(raw: Self.read(caseDir, "sreq"))
        var creds = Self.credentials
        creds.sessionToken = request.headers.first { $0.name == "X-Amz-Security-Token" }?.value
        let sig = SigV4Signer(region: "us-east-1", service: "service").sign(
            method: "POST", path: "/", query: [], headers: [("Host", "example.amazonaws.com")],
            payloadHash: SigV4Signer.emptyPayloadHash, credentials: creds, date: Self.date, signSessionToken: false)
        #expect(sig.authorization == (try Self.read(caseDir, "authz")))
        #expect(sig.addedHeaders.contains { $0.name == "X-Amz-Security-Token" })
    }

    @Test(.enabled(if: suitePresent, "needs ../shared/data/aws-sigv4-testsuite"))
    func normalizationCasesKeepPathVerbatimForS3() throws {
        let expected = [
            "normalize-path/get-relative": "/example/..", "normalize-path/get-relative-relative": "/example1/example2/../..",
            "normalize-path/get-slash": "//", "normalize-path/get-slash-dot-slash": "/./",
            "normalize-path/get-slash-pointless-dot": "/./example", "normalize-path/get-slashes": "//example//",
        ]
        for (caseDir, path) in expected {
            let sig = try Self.sign(caseDir)
            let suiteCreq = try Self.read(caseDir, "creq")
            #expect(sig.canonicalRequest.split(separator: "\n", omittingEmptySubsequences: false)[1] == Substring(path))
            #expect(sig.canonicalRequest != suiteCreq, "S3 must not normalise \(caseDir)")
        }
    }
}

/// A parsed `.req` file: request line, headers (folded continuation lines), blank line, body.
struct SuiteRequest {
    var method: String
    var path: String
    var query: [(name: String, value: String)]
    var headers: [(name: String, value: String)]
    var body: String

    init(raw: String) throws {
        let parts = raw.components(separatedBy: "\n\n")
        let head = parts[0]
        body = parts.count > 1 ? parts.dropFirst().joined(separator: "\n\n") : ""
        var lines = head.components(separatedBy: "\n")
        let requestLine = lines.removeFirst()
        guard let firstSpace = requestLine.firstIndex(of: " "),
              let versionRange = requestLine.range(of: " HTTP/", options: .backwards) else {
            throw ObjectStoreError(code: .invalidResponse, message: "bad request line \(requestLine)")
        }
        method = String(requestLine[..<firstSpace])
        let target = String(requestLine[requestLine.index(after: firstSpace)..<versionRange.lowerBound])
        let pieces = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        path = String(pieces[0]).removingPercentEncoding ?? String(pieces[0])
        query = []
        if pieces.count > 1 {
            for pair in pieces[1].split(separator: "&") {
                let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let key = String(kv[0]).removingPercentEncoding ?? String(kv[0])
                let value = kv.count > 1 ? (String(kv[1]).removingPercentEncoding ?? String(kv[1])) : ""
                query.append((key, value))
            }
        }
        headers = []
        for line in lines where !line.isEmpty {
            if line.first == " " || line.first == "\t", let last = headers.popLast() {
                headers.append((last.name, last.value + "\n" + line))
                continue
            }
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.append((String(line[..<colon]), String(line[line.index(after: colon)...])))
        }
    }
}

enum SHA256Hex {
    static func of(_ text: String) -> String {
        ObjectStoreTestCrypto.sha256Hex(Data(text.utf8))
    }
}
