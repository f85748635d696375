import Foundation
import Providers

/// Throughput benchmark of the real Gemini client against the loopback fake server.
/// Usage: provider-bench <fake-server-url> [shops] [rpm] [latency-ms]
/// Prints one line per phase and a final `key=value` line.
@main
struct ProviderBench {
    static func main() async {
        let args = CommandLine.arguments
        guard args.count >= 2, let root = URL(string: args[1]) else {
            print("usage: provider-bench <fake-server-url> [shops=600] [rpm=600] [latency-ms=300]")
            exit(64)
        }
        let shops = args.count > 2 ? Int(args[2]) ?? 600 : 600
        let rpm = args.count > 3 ? Double(args[3]) ?? 600 : 600
        let latency = args.count > 4 ? Int(args[4]) ?? 300 : 300
        let transport = URLSessionTransport()
        do {
            let clean = try await phase(name: "clean", root: root, transport: transport, shops: shops, rpm: rpm,
                                        faults: #"{"latency_ms": \#(latency), "rpm": \#(Int(rpm))}"#)
            let faulty = try await phase(name: "503x5%", root: root, transport: transport, shops: shops, rpm: rpm,
                                         faults: #"{"latency_ms": \#(latency), "rpm": \#(Int(rpm)), "rates": {"503": 0.05}, "seed": 42}"#)
            let bound = rpm / 60
            print(String(format: "shops=%d rpm=%.0f latency_ms=%d bound_per_s=%.2f throughput_per_s=%.3f rate_bound_share=%.4f "
                            + "throughput_503_per_s=%.3f rate_bound_share_503=%.4f injected_503=%d lost=%d duplicated=%d "
                            + "server_rpm_rejections=%d",
                         shops, rpm, latency, bound, clean.throughput, clean.throughput / bound, faulty.throughput,
                         faulty.throughput / bound, faulty.injected, clean.lost + faulty.lost, clean.duplicated + faulty.duplicated,
                         clean.rejections + faulty.rejections))
            exit(clean.lost + faulty.lost == 0 ? 0 : 1)
        } catch {
            print("bench failed: \(error)")
            exit(1)
        }
    }

    struct Outcome {
        var throughput: Double
        var lost: Int
        var duplicated: Int
        var injected: Int
        var rejections: Int
    }

    static func admin(_ transport: URLSessionTransport, _ method: String, _ url: URL, _ body: String? = nil) async throws -> [String: Any] {
        let response = try await transport.send(HTTPRequest(method: method, url: url, headers: ["Content-Type": "application/json"],
                                                            body: body.map { Data($0.utf8) }))
        return (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any] ?? [:]
    }

    static func phase(name: String, root: URL, transport: URLSessionTransport, shops: Int, rpm: Double,
                      faults: String) async throws -> Outcome {
        let model = "bench-\(name.filter(\.isLetter))-\(UUID().uuidString.prefix(6).lowercased())"
        var object = (try JSONSerialization.jsonObject(with: Data(faults.utf8)) as? [String: Any]) ?? [:]
        object["model"] = model
        let body = String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
        _ = try await admin(transport, "POST", root.appendingPathComponent("_faults"), body)
        let http = ProviderHTTPClient(
            transport: transport,
            configuration: .init(retry: RetryPolicy(maxAttempts: 6, baseDelay: 0.2, maxDelay: 5),
                                 rateLimits: .init(requestsPerMinute: rpm, burstSeconds: 1),
                                 maxConcurrentRequests: 32, timeout: 30))
        let generator = GeminiGenerator(client: GeminiClient(endpoint: .geminiAPI(root: root),
                                                             auth: .apiKey(ProcessInfo.processInfo.environment["BENCH_API_KEY"]
                                                                           ?? "test-gemini-key-0123456789"),
                                                             http: http),
                                        options: .init(model: model))
        let schema = #"{"type":"object","properties":{"summary":{"type":"string"}},"required":["summary"]}"#
        let start = Date()
        var succeeded = Set<String>()
        var failures: [String: String] = [:]
        try await withThrowingTaskGroup(of: (String, String?).self) { group in
            var next = 0
            func add() {
                let key = "bench-\(next)"
                next += 1
                let context = SummaryContext(shopName: "가게 \(key)", category: "waiting_hotplace", facts: [], reviews: [],
                                             exampleSummaries: [], language: "ko", targetLength: 100)
                let request = GenerationRequest(
                    key: key, systemInstruction: "요약하라.",
                    prompt: "shop_id: \(key)\n가게 이름: 가게 \(key)\n리뷰:\n- 국물이 진하고 면이 쫄깃해서 또 오고 싶어요\n- 웨이팅이 길지만 회전이 빨라요",
                    responseJSONSchema: schema, context: context)
                group.addTask {
                    do {
                        _ = try await generator.generate(request)
                        return (key, nil)
                    } catch {
                        return (key, "\(error)")
                    }
                }
            }
            for _ in 0..<min(64, shops) { add() }
            for try await (key, error) in group {
                if let error { failures[key] = error } else { succeeded.insert(key) }
                if next < shops { add() }
            }
        }
        let elapsed = Date().timeIntervalSince(start)
        let stats = try await admin(transport, "GET", URL(string: root.absoluteString + "/_stats?model=\(model)")!)
        let perKey = stats["per_key"] as? [String: Int] ?? [:]
        let lost = (0..<shops).filter { !succeeded.contains("bench-\($0)") || perKey["bench-\($0)"] == nil }.count
        let duplicated = perKey.values.filter { $0 > 1 }.count
        let injected = (stats["faults"] as? [String: Int])?["503"] ?? 0
        let throughput = Double(succeeded.count) / elapsed
        print(String(format: "phase=%@ shops=%d ok=%d failed=%d elapsed_s=%.2f throughput_per_s=%.3f injected_503=%d lost=%d",
                     name, shops, succeeded.count, failures.count, elapsed, throughput, injected, lost))
        if let sample = failures.first { print("sample failure: \(sample.key): \(sample.value)") }
        return Outcome(throughput: throughput, lost: lost, duplicated: duplicated, injected: injected,
                       rejections: stats["rpm_rejections"] as? Int ?? 0)
    }
}
