import Foundation
import Synchronization
@testable import Providers

/// Access to the loopback fake server started by `tests/services/start-fake-llm.sh`.
/// Tests use a unique model name each, so faults and stats never leak between parallel tests.
struct FakeLLMServer {
    static let env = ProcessInfo.processInfo.environment
    /// True when the start script's exports are present (CI); tests skip visibly otherwise.
    static let available = env["SHOP_SUMMARY_TEST_LLM_URL"] != nil
    static let transport = URLSessionTransport()

    let root: URL
    let apiKey: String
    let openAIKey: String
    let saKeyFile: String?
    let publicKey: String?

    init() {
        root = URL(string: Self.env["SHOP_SUMMARY_TEST_LLM_URL"] ?? "http://127.0.0.1:9")!
        apiKey = Self.env["SHOP_SUMMARY_TEST_GEMINI_API_KEY"] ?? "test-gemini-key-0123456789"
        openAIKey = Self.env["SHOP_SUMMARY_TEST_OPENAI_API_KEY"] ?? "test-openai-key-0123456789"
        saKeyFile = Self.env["SHOP_SUMMARY_TEST_SA_KEY_FILE"]
        publicKey = Self.env["SHOP_SUMMARY_TEST_SA_PUBLIC_KEY"]
    }

    static func uniqueModel(_ prefix: String) -> String { "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())" }

    func admin(_ method: String, _ path: String, json: String? = nil) async throws -> [String: Any] {
        let request = HTTPRequest(method: method, url: root.appendingPathComponent(path),
                                  headers: ["Content-Type": "application/json"], body: json.map { Data($0.utf8) })
        let response = try await Self.transport.send(request)
        return Fixtures.json(response.body)
    }

    func setFaults(model: String, _ json: String) async throws {
        var object = Fixtures.json(Data(json.utf8))
        object["model"] = model
        let data = try JSONSerialization.data(withJSONObject: object)
        _ = try await admin("POST", "_faults", json: String(decoding: data, as: UTF8.self))
    }

    func stats(model: String) async throws -> [String: Any] {
        let url = URL(string: root.absoluteString + "/_stats?model=\(model)")!
        let response = try await Self.transport.send(HTTPRequest(method: "GET", url: url))
        return Fixtures.json(response.body)
    }

    func http(retry: RetryPolicy = RetryPolicy(maxAttempts: 4, baseDelay: 0.02, maxDelay: 0.1),
              timeout: Double = 10, clock: any ProviderClock = SystemProviderClock(),
              logger: Observability.Logger = .disabled(), secrets: [String] = []) -> ProviderHTTPClient {
        ProviderHTTPClient(transport: Self.transport,
                           configuration: .init(retry: retry, maxConcurrentRequests: 8, timeout: timeout),
                           clock: clock, random: SeededRandomSource(seed: 1),
                           redactor: SecretRedactor(secrets: secrets), logger: logger)
    }

    func gemini(_ http: ProviderHTTPClient, key: String? = nil) -> GeminiClient {
        GeminiClient(endpoint: .geminiAPI(root: root), auth: .apiKey(key ?? apiKey), http: http)
    }
}

import Observability

/// The real clock, recording each requested sleep (to assert waits against the real server).
final class RecordingClock: ProviderClock {
    private let base = SystemProviderClock()
    private let recorded = Mutex<[Double]>([])
    var sleeps: [Double] { recorded.withLock { $0 } }
    func now() -> Double { base.now() }
    func sleep(seconds: Double) async throws {
        recorded.withLock { $0.append(seconds) }
        try await base.sleep(seconds: seconds)
    }
}
