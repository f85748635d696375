import Foundation

/// ``Generator`` over `/chat/completions` with `response_format: json_schema`.
///
/// `finish_reason` `length` → `.maxTokens`; `content_filter` → `.blocked`; no choices or empty
/// content → `.emptyCandidates`; JSON not matching the schema → one repair retry, then `.schemaMismatch`.
public struct OpenAICompatibleGenerator: Generator {
    /// The client.
    public let client: OpenAICompatibleClient
    /// Model id (e.g. `gpt-4o-mini`, `llama3.1`, `gemini-2.5-flash`).
    public let model: String
    /// Descriptor provider name (default `openai`).
    public let providerName: String

    /// Creates a generator.
    public init(client: OpenAICompatibleClient, model: String, providerName: String = "openai") {
        self.client = client
        self.model = model
        self.providerName = providerName
    }

    public var descriptor: GeneratorDescriptor { GeneratorDescriptor(provider: providerName, model: model) }

    /// The request body for `request`.
    public func body(for request: GenerationRequest, extra: [OpenAICompatibleClient.Message] = []) -> OpenAICompatibleClient.ChatRequest {
        var messages: [OpenAICompatibleClient.Message] = []
        if !request.systemInstruction.isEmpty { messages.append(.init(role: "system", content: request.systemInstruction)) }
        messages.append(.init(role: "user", content: request.prompt))
        let format: OpenAICompatibleClient.ResponseFormat
        if let schema = request.responseJSONSchema.flatMap({ try? JSONValue.parse($0) }) {
            format = .init(type: "json_schema", json_schema: .init(name: "shop_summary", schema: schema, strict: true))
        } else {
            format = .init(type: "json_object", json_schema: nil)
        }
        return .init(model: model, messages: messages + extra, temperature: request.temperature,
                     max_tokens: request.maxOutputTokens, response_format: format)
    }

    public func generate(_ request: GenerationRequest) async throws -> GenerationResult {
        let context = "openai chat/completions \(model) key=\(request.key)"
        let estimate = StructuredOutput.estimateTokens(request.systemInstruction, request.prompt)
        var usage = TokenUsage()
        var extra: [OpenAICompatibleClient.Message] = []
        var repaired = false
        while true {
            let response = try await client.chatCompletion(body(for: request, extra: extra), estimatedTokens: estimate)
            if let u = response.usage {
                usage = usage + TokenUsage(promptTokens: u.prompt_tokens ?? 0, outputTokens: u.completion_tokens ?? 0,
                                           totalTokens: u.total_tokens)
            }
            guard let choice = response.choices?.first else {
                throw ProviderError(code: .emptyCandidates, message: "\(context): response has no choices", httpStatus: 200)
            }
            let finish = choice.finish_reason ?? "stop"
            switch finish {
            case "length":
                throw ProviderError(code: .maxTokens, message: "\(context): output stopped at max_tokens", httpStatus: 200)
            case "content_filter":
                throw ProviderError(code: .blocked, message: "\(context): output blocked (content_filter)", httpStatus: 200)
            default: break
            }
            guard let text = choice.message?.content, !text.isEmpty else {
                throw ProviderError(code: .emptyCandidates, message: "\(context): choice has no content", httpStatus: 200)
            }
            do {
                let output = try StructuredOutput.parse(text, schema: request.responseJSONSchema, context: context)
                return GenerationResult(output: output, rawText: text, usage: usage, finishReason: finish,
                                        model: response.model ?? model)
            } catch var error as ProviderError where error.code == .schemaMismatch {
                guard !repaired else {
                    error.attempts = 2
                    throw error
                }
                repaired = true
                extra = [.init(role: "assistant", content: text),
                         .init(role: "user", content: StructuredOutput.repairPrompt(problem: error.message))]
            }
        }
    }
}

/// ``Embedder`` over `/embeddings`; vectors are re-normalised client-side.
public struct OpenAICompatibleEmbedder: Embedder {
    /// The client.
    public let client: OpenAICompatibleClient
    /// Model id.
    public let model: String
    /// Output dimension (sent as `dimensions` when `sendDimensions`).
    public let dimension: Int
    /// Whether to send `dimensions` (servers that do not support it reject the field).
    public let sendDimensions: Bool
    /// Texts per call.
    public let batchSize: Int

    /// Creates an embedder.
    public init(client: OpenAICompatibleClient, model: String, dimension: Int, sendDimensions: Bool = true,
                batchSize: Int = 64) {
        self.client = client
        self.model = model
        self.dimension = dimension
        self.sendDimensions = sendDimensions
        self.batchSize = max(1, batchSize)
    }

    public var descriptor: EmbedderDescriptor { EmbedderDescriptor(provider: "openai", model: model, dimension: dimension) }

    public func embed(_ texts: [String], task: EmbeddingTask) async throws -> [[Float]] {
        var result: [[Float]] = []
        for start in stride(from: 0, to: texts.count, by: batchSize) {
            let chunk = Array(texts[start..<min(texts.count, start + batchSize)])
            let vectors = try await client.embeddings(model: model, texts: chunk,
                                                      dimensions: sendDimensions ? dimension : nil)
            result += try vectors.map { try GeminiEmbedder.normalised($0, expected: dimension, context: "\(descriptor)") }
        }
        return result
    }
}
