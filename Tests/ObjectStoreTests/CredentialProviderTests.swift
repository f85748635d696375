import Foundation
import Observability
import Synchronization
import Testing
@testable import ObjectStore

@Suite("Credential providers (offline)")
struct CredentialProviderTests {
    @Test func environmentProvider() async throws {
        let full = try await EnvironmentCredentialProvider(environment: [
            "AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": "envsecret", "AWS_SESSION_TOKEN": "envtoken",
        ]).resolve()
        #expect(full?.accessKeyID == "AKIAENV" && full?.secretAccessKey == "envsecret" && full?.sessionToken == "envtoken")
        #expect(try await EnvironmentCredentialProvider(environment: [:]).resolve() == nil)
        await #expect(throws: ObjectStoreError.self) {
            try await EnvironmentCredentialProvider(environment: ["AWS_ACCESS_KEY_ID": "AKIAENV"]).resolve()
        }
    }

    @Test func sharedFilesWithProfiles() async throws {
        let dir = try TestEnvironment.tempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let credentials = dir.appendingPathComponent("credentials")
        let config = dir.appendingPathComponent("config")
        try """
        # comment
        [default]
        aws_access_key_id = AKIADEFAULT
        aws_secret_access_key = defaultsecret

        [prod]
        aws_access_key_id=AKIAPROD
        aws_secret_access_key=prodsecret
        aws_session_token = prodtoken
        """.write(to: credentials, atomically: true, encoding: .utf8)
        try """
        [default]
        region = eu-central-1
        [profile cfgonly]
        aws_access_key_id = AKIACFG
        aws_secret_access_key = cfgsecret
        region = ap-northeast-2
        s3 =
          addressing_style = path
        [profile assumed]
        role_arn = arn:aws:iam::123456789012:role/x
        """.write(to: config, atomically: true, encoding: .utf8)
        let base = ["AWS_SHARED_CREDENTIALS_FILE": credentials.path, "AWS_CONFIG_FILE": config.path, "HOME": dir.path]
        func provider(_ extra: [String: String]) -> SharedFileCredentialProvider {
            SharedFileCredentialProvider(environment: base.merging(extra) { $1 })
        }
        #expect(try await provider([:]).resolve()?.accessKeyID == "AKIADEFAULT")
        #expect(provider([:]).region() == "eu-central-1")
        let prod = try await provider(["AWS_PROFILE": "prod"]).resolve()
        #expect(prod?.accessKeyID == "AKIAPROD" && prod?.sessionToken == "prodtoken")
        #expect(try await provider(["AWS_PROFILE": "cfgonly"]).resolve()?.secretAccessKey == "cfgsecret")
        #expect(provider(["AWS_PROFILE": "cfgonly"]).region() == "ap-northeast-2")
        let missing = await #expect(throws: ObjectStoreError.self) { try await provider(["AWS_PROFILE": "nope"]).resolve() }
        #expect(missing?.message.contains("'nope'") == true)
        let role = await #expect(throws: ObjectStoreError.self) { try await provider(["AWS_PROFILE": "assumed"]).resolve() }
        #expect(role?.message.contains("not supported") == true)
        // No files and no explicit profile: not configured.
        #expect(try await SharedFileCredentialProvider(environment: ["HOME": dir.appendingPathComponent("none").path])
            .resolve() == nil)
        try "[default]\naws_access_key_id\n".write(to: credentials, atomically: true, encoding: .utf8)
        let malformed = await #expect(throws: ObjectStoreError.self) { try await provider([:]).resolve() }
        #expect(malformed?.message.contains("\(credentials.path):2") == true)
    }

    @Test func chainOrderEnvironmentFirst() async throws {
        let dir = try TestEnvironment.tempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let credentials = dir.appendingPathComponent("credentials")
        try "[default]\naws_access_key_id = AKIAFILE\naws_secret_access_key = filesecret\n"
            .write(to: credentials, atomically: true, encoding: .utf8)
        let files = ["AWS_SHARED_CREDENTIALS_FILE": credentials.path, "HOME": dir.path]
        let fromFile = try await CredentialChain.standard(environment: files).resolve()
        #expect(fromFile?.accessKeyID == "AKIAFILE")
        let env = files.merging(["AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": "s"]) { $1 }
        #expect(try await CredentialChain.standard(environment: env).resolve()?.accessKeyID == "AKIAENV")
        let none = await #expect(throws: ObjectStoreError.self) {
            try await CredentialChain.standard(environment: ["HOME": dir.appendingPathComponent("x").path]).resolveRequired()
        }
        #expect(none?.code == .credentials)
    }

    /// Counts resolutions and hands out credentials expiring `lifetime` seconds after "now".
    final class CountingProvider: CredentialProvider {
        let count = Mutex(0)
        let lifetime: TimeInterval
        let clock: @Sendable () -> Date
        let failAfterFirst: Bool
        init(lifetime: TimeInterval, clock: @escaping @Sendable () -> Date, failAfterFirst: Bool = false) {
            self.lifetime = lifetime
            self.clock = clock
            self.failAfterFirst = failAfterFirst
        }
        var name: String { "counting" }
        func resolve() async throws -> AWSCredentials? {
            let n = count.withLock { $0 += 1; return $0 }
            if failAfterFirst && n > 1 { throw ObjectStoreError(code: .credentials, message: "sts down") }
            return AWSCredentials(accessKeyID: "AKIA\(n)", secretAccessKey: "secret-value-\(n)", sessionToken: "token-value-\(n)",
                                  expiration: clock().addingTimeInterval(lifetime), source: "counting")
        }
    }

    @Test func refreshesBeforeExpiryAndCachesOtherwise() async throws {
        let clock = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
        let now: @Sendable () -> Date = { clock.withLock { $0 } }
        let provider = CountingProvider(lifetime: 3600, clock: now)
        let chain = CredentialChain(providers: [provider], refreshMargin: 300, now: now)
        #expect(try await chain.resolve()?.accessKeyID == "AKIA1")
        clock.withLock { $0 += 3000 }  // 10 min left: still cached
        #expect(try await chain.resolve()?.accessKeyID == "AKIA1")
        clock.withLock { $0 += 400 }   // 200 s left < 5 min margin: refreshed before expiry
        #expect(try await chain.resolve()?.accessKeyID == "AKIA2")
        // Concurrent callers share one refresh.
        clock.withLock { $0 += 3500 }
        try await withThrowingTaskGroup(of: String?.self) { group in
            for _ in 0..<20 { group.addTask { try await chain.resolve()?.accessKeyID } }
            for try await id in group { #expect(id == "AKIA3") }
        }
        #expect(provider.count.withLock { $0 } == 3)
    }

    @Test func failedRefreshKeepsValidCachedCredentialsAndLogsNoSecrets() async throws {
        let clock = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
        let now: @Sendable () -> Date = { clock.withLock { $0 } }
        let handler = InMemoryLogHandler()
        let logger = Logger(label: "test", level: .trace, handler: handler)
        let chain = CredentialChain(providers: [CountingProvider(lifetime: 600, clock: now, failAfterFirst: true)],
                                    refreshMargin: 300, logger: logger, now: now)
        #expect(try await chain.resolve()?.accessKeyID == "AKIA1")
        clock.withLock { $0 += 400 }   // inside the margin, still valid → cached after failed refresh
        #expect(try await chain.resolve()?.accessKeyID == "AKIA1")
        clock.withLock { $0 += 300 }   // expired → the refresh error surfaces
        await #expect(throws: ObjectStoreError.self) { try await chain.resolve() }
        let logged = handler.records.map { "\($0.event) \($0.metadata)" }.joined(separator: "\n")
        #expect(logged.contains("refresh failed"))
        #expect(!logged.contains("secret-value"), "secret never logged")
        #expect(!logged.contains("token-value"), "session token never logged")
        #expect(!logged.contains("AKIA1"), "full key id never logged (redacted form only)")
    }

    @Test func descriptionsRedactSecrets() {
        let creds = AWSCredentials(accessKeyID: "AKIAEXAMPLEKEY123", secretAccessKey: "wJalrXUtnFEMI/K7MDENG",
                                   sessionToken: "FwoGZXIvYXdzEBYaDSECRETTOKEN", expiration: Date(timeIntervalSince1970: 0))
        for text in ["\(creds)", String(reflecting: creds), creds.debugDescription] {
            #expect(!text.contains("wJalrXUtnFEMI"))
            #expect(!text.contains("SECRETTOKEN"))
            #expect(!text.contains("AKIAEXAMPLEKEY123"))
            #expect(text.contains("AKIA*************"))
        }
    }

    @Test func containerURIAllowList() {
        for allowed in ["http://127.0.0.1:8080/v1", "http://localhost/x", "http://169.254.170.23/v1/credentials",
                        "http://169.254.170.2/v2/credentials/abc", "http://[fd00:ec2::23]/v1", "http://[::1]:9/x",
                        "https://creds.example.com/x"] {
            #expect(URL(string: allowed).map(ContainerCredentialProvider.isAllowed) == true, "\(allowed)")
        }
        for refused in ["http://10.0.0.1/v1", "http://169.254.169.254/latest", "http://example.com/x", "ftp://127.0.0.1/x",
                        "http://127.0.0.1.evil.com/x"] {
            #expect(URL(string: refused).map(ContainerCredentialProvider.isAllowed) == false, "\(refused)")
        }
    }
}
