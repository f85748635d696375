import Foundation

/// Gemini Batch API client (`v1beta`): submit inline or as a JSONL file uploaded with the resumable
/// Files protocol, poll with backoff, fetch results matched by key, cancel.
///
/// The API is job-store agnostic: ``submit(model:requests:displayName:)`` returns the job name
/// (`batches/…`), which the caller records (the pipeline's ledger) and passes back to
/// ``waitForCompletion(jobName:)`` / ``results(jobName:)`` after a restart instead of resubmitting.
public struct GeminiBatchClient: Sendable {
    /// A batch job's state as reported by the service.
    public struct Status: Sendable, Hashable {
        /// The job name, `batches/{id}`.
        public var name: String
        /// `BATCH_STATE_PENDING|RUNNING|SUCCEEDED|FAILED|CANCELLED|EXPIRED`.
        public var state: String
        /// True once the job reached a terminal state.
        public var done: Bool
        /// Succeeded.
        public var succeeded: Bool { state == "BATCH_STATE_SUCCEEDED" || state == "JOB_STATE_SUCCEEDED" }
    }

    /// Polling cadence: initial, ×factor, capped (the SDK uses 1 s ×1.5 ≤ 20 s).
    public struct PollPolicy: Sendable, Hashable {
        public var initial: Double
        public var factor: Double
        public var maximum: Double
        /// Gives up (without cancelling the job) after this many seconds.
        public var timeout: Double
        public init(initial: Double = 1, factor: Double = 1.5, maximum: Double = 60, timeout: Double = 26 * 3600) {
            self.initial = initial
            self.factor = factor
            self.maximum = maximum
            self.timeout = timeout
        }
    }

    /// The Gemini API client (must be the Gemini API flavor; API key auth).
    public let client: GeminiClient
    /// Requests whose inline JSON is below this size go inline; larger ones via the Files API.
    public let inlineLimitBytes: Int

    /// Creates a batch client.
    public init(client: GeminiClient, inlineLimitBytes: Int = 4_000_000) {
        self.client = client
        self.inlineLimitBytes = inlineLimitBytes
    }

    private var root: URL { client.endpoint.base.deletingLastPathComponent() }   // strip `v1beta`
    private var apiVersion: String { client.endpoint.base.lastPathComponent }

    private func authorized(_ method: String, _ url: URL, headers: [String: String] = [:], body: Data? = nil) async throws -> HTTPRequest {
        var all = headers
        try await client.auth.apply(to: &all)
        return HTTPRequest(method: method, url: url, headers: all, body: body)
    }

    // MARK: - Submit

    /// Submits one job for `requests` (key → request body) and returns its name (`batches/…`).
    /// - Throws: ``ProviderError`` (`.configuration` for duplicate keys; HTTP classes otherwise).
    public func submit(model: String, requests: [(key: String, request: GeminiWire.GenerateRequest)],
                       displayName: String) async throws -> String {
        guard Set(requests.map(\.key)).count == requests.count else {
            throw ProviderError(code: .configuration, message: "batch \(displayName): duplicate request keys")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var lines = Data()
        for item in requests {
            lines.append(try encoder.encode(BatchLine(key: item.key, request: item.request)))
            lines.append(0x0A)
        }
        let input: InputConfig
        if lines.count <= inlineLimitBytes {
            input = InputConfig(requests: .init(requests: requests.map {
                InlineRequest(request: $0.request, metadata: ["key": $0.key])
            }), fileName: nil)
        } else {
            input = InputConfig(requests: nil, fileName: try await upload(lines, displayName: displayName))
        }
        let body = CreateBody(batch: .init(displayName: displayName, inputConfig: input))
        let url = client.endpoint.url(model: model, method: "batchGenerateContent")
        let context = "gemini batchGenerateContent \(model) (\(requests.count) requests)"
        let data = try encoder.encode(body)
        return try await client.http.perform(
            context: context,
            makeRequest: { try await authorized("POST", url, headers: ["Content-Type": "application/json"], body: data) },
            decode: { response in
                guard let name = Fixture.object(response.body)?["name"] as? String, name.hasPrefix("batches/") else {
                    throw ProviderError(code: .invalidResponse, message: "\(context): response has no batches/ name")
                }
                return name
            })
    }

    /// Uploads JSONL with the resumable Files protocol; returns `files/…`.
    public func upload(_ data: Data, displayName: String) async throws -> String {
        let start = root.appendingPathComponent("upload").appendingPathComponent(apiVersion).appendingPathComponent("files")
        let meta = try JSONSerialization.data(withJSONObject: ["file": ["display_name": displayName]])
        let context = "gemini files upload \(displayName) (\(data.count) bytes)"
        let uploadURL: URL = try await client.http.perform(
            context: context + " start",
            makeRequest: {
                try await authorized("POST", start, headers: [
                    "Content-Type": "application/json", "X-Goog-Upload-Protocol": "resumable",
                    "X-Goog-Upload-Command": "start", "X-Goog-Upload-Header-Content-Length": String(data.count),
                    "X-Goog-Upload-Header-Content-Type": "application/jsonl",
                ], body: meta)
            },
            decode: { response in
                guard let text = response.header("x-goog-upload-url"), let url = URL(string: text) else {
                    throw ProviderError(code: .invalidResponse, message: "\(context): no x-goog-upload-url header")
                }
                return url
            })
        return try await client.http.perform(
            context: context + " finalize",
            makeRequest: {
                try await authorized("POST", uploadURL, headers: [
                    "X-Goog-Upload-Command": "upload, finalize", "X-Goog-Upload-Offset": "0",
                    "Content-Type": "application/jsonl",
                ], body: data)
            },
            decode: { response in
                guard let file = Fixture.object(response.body)?["file"] as? [String: Any],
                      let name = file["name"] as? String else {
                    throw ProviderError(code: .invalidResponse, message: "\(context): response has no file name")
                }
                return name
            })
    }

    // MARK: - Poll, results, cancel

    /// One status read.
    public func status(jobName: String) async throws -> Status {
        let object = try await get(jobName)
        return Self.status(of: object, name: jobName)
    }

    /// Polls with backoff until the job is terminal, then returns its status.
    /// - Throws: `.batchFailed` for FAILED/CANCELLED/EXPIRED; `.timeout` when `policy.timeout` passes.
    public func waitForCompletion(jobName: String, policy: PollPolicy = .init()) async throws -> Status {
        let clock = client.http.clock
        let deadline = clock.now() + policy.timeout
        var delay = policy.initial
        while true {
            let current = try await status(jobName: jobName)
            if current.done {
                guard current.succeeded else {
                    throw ProviderError(code: .batchFailed, message: "batch job \(jobName) ended in \(current.state)")
                }
                return current
            }
            guard clock.now() + delay < deadline else {
                throw ProviderError(code: .timeout, message: "batch job \(jobName) still \(current.state) after \(Int(policy.timeout)) s")
            }
            try await clock.sleep(seconds: delay)
            delay = min(policy.maximum, delay * policy.factor)
        }
    }

    /// Results of a finished job by key: the raw response, or the per-request error message.
    public func results(jobName: String) async throws -> [String: Result<GeminiWire.GenerateResponse, ProviderError>] {
        let object = try await get(jobName)
        let response = (object["response"] as? [String: Any])
            ?? ((object["metadata"] as? [String: Any])?["output"] as? [String: Any]) ?? [:]
        var lines: [[String: Any]] = []
        if let inlined = response["inlinedResponses"] as? [String: Any] {
            lines = (inlined["inlinedResponses"] as? [[String: Any]] ?? []).map { item in
                var line = item
                line["key"] = (item["metadata"] as? [String: Any])?["key"]
                return line
            }
        } else if let file = response["responsesFile"] as? String {
            let data = try await download(file)
            for raw in data.split(separator: 0x0A) where !raw.isEmpty {
                guard let line = Fixture.object(Data(raw)) else {
                    throw ProviderError(code: .invalidResponse, message: "batch \(jobName): result file has a non-JSON line")
                }
                lines.append(line)
            }
        } else {
            throw ProviderError(code: .invalidResponse, message: "batch \(jobName): no inlinedResponses or responsesFile")
        }
        var results: [String: Result<GeminiWire.GenerateResponse, ProviderError>] = [:]
        for line in lines {
            guard let key = line["key"] as? String else { continue }
            if let body = line["response"], let data = try? JSONSerialization.data(withJSONObject: body),
               let decoded = try? JSONDecoder().decode(GeminiWire.GenerateResponse.self, from: data) {
                results[key] = .success(decoded)
            } else {
                let message = ((line["error"] as? [String: Any])?["message"] as? String) ?? "no response"
                results[key] = .failure(ProviderError(code: .batchFailed, message: "batch \(jobName) key \(key): \(message)"))
            }
        }
        return results
    }

    /// Cancels a job (`POST batches/{id}:cancel`).
    public func cancel(jobName: String) async throws {
        let url = URL(string: client.endpoint.base.absoluteString + "/" + jobName + ":cancel")!
        _ = try await client.http.perform(context: "gemini batch cancel \(jobName)",
                                          makeRequest: { try await authorized("POST", url, body: Data("{}".utf8)) },
                                          decode: { _ in true })
    }

    private func get(_ jobName: String) async throws -> [String: Any] {
        let url = client.endpoint.base.appendingPathComponent(jobName)
        let context = "gemini batch get \(jobName)"
        let data: Data = try await client.http.perform(context: context, makeRequest: { try await authorized("GET", url) },
                                                       decode: { response in
                                                           guard Fixture.object(response.body) != nil else {
                                                               throw ProviderError(code: .invalidResponse, message: "\(context): not JSON")
                                                           }
                                                           return response.body
                                                       })
        return Fixture.object(data) ?? [:]
    }

    private func download(_ file: String) async throws -> Data {
        let url = URL(string: root.absoluteString.trimmingSuffix("/") + "/download/\(apiVersion)/\(file):download?alt=media")!
        return try await client.http.perform(context: "gemini files download \(file)",
                                             makeRequest: { try await authorized("GET", url) },
                                             decode: { $0.body })
    }

    static func status(of object: [String: Any], name: String) -> Status {
        let meta = object["metadata"] as? [String: Any] ?? [:]
        let state = meta["state"] as? String ?? object["state"] as? String ?? "BATCH_STATE_UNSPECIFIED"
        let terminal = ["SUCCEEDED", "FAILED", "CANCELLED", "EXPIRED"].contains { state.hasSuffix($0) }
        return Status(name: name, state: state, done: (object["done"] as? Bool ?? false) || terminal)
    }

    // MARK: - Wire

    private struct BatchLine: Encodable {
        var key: String
        var request: GeminiWire.GenerateRequest
    }
    private struct InlineRequest: Encodable {
        var request: GeminiWire.GenerateRequest
        var metadata: [String: String]
    }
    private struct InlineRequests: Encodable { var requests: [InlineRequest] }
    private struct InputConfig: Encodable {
        var requests: InlineRequests?
        var fileName: String?
    }
    private struct Batch: Encodable {
        var displayName: String
        var inputConfig: InputConfig
    }
    private struct CreateBody: Encodable { var batch: Batch }
}

/// JSON object helper.
enum Fixture {
    static func object(_ data: Data) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    }
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
