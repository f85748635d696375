import Foundation

/// ``Generator`` over Gemini `generateContent` (Gemini API or Vertex AI) with structured JSON output.
///
/// Classification: `promptFeedback.blockReason` or a safety finish reason → `.blocked`; no
/// candidates or no text → `.emptyCandidates`; `MAX_TOKENS` → one retry with twice the budget and
/// thinking off, then `.maxTokens`; JSON not matching the schema → one repair retry, then
/// `.schemaMismatch`. Usage is summed over every billed call.
public struct GeminiGenerator: Generator {
    /// Generation settings.
    public struct Options: Sendable, Hashable {
        /// Model id, e.g. `gemini-2.5-flash`.
        public var model: String
        /// `thinkingConfig.thinkingBudget`; nil leaves the model default.
        public var thinkingBudget: Int?

        /// Creates options.
        public init(model: String = "gemini-2.5-flash", thinkingBudget: Int? = nil) {
            self.model = model
            self.thinkingBudget = thinkingBudget
        }
    }

    /// The client (endpoint, auth, retries).
    public let client: GeminiClient
    /// Settings.
    public let options: Options

    /// Creates a generator.
    public init(client: GeminiClient, options: Options = .init()) {
        self.client = client
        self.options = options
    }

    public var descriptor: GeneratorDescriptor {
        GeneratorDescriptor(provider: client.providerName, model: options.model)
    }

    /// The request body for `request` (also used for batch lines).
    public func body(for request: GenerationRequest, extraTurns: [GeminiWire.Content] = [],
                     maxOutputTokens: Int? = nil, thinkingBudget: Int? = nil) -> GeminiWire.GenerateRequest {
        let schema = request.responseJSONSchema.flatMap { try? JSONValue.parse($0) }
        let budget = thinkingBudget ?? options.thinkingBudget
        let config = GeminiWire.GenerationConfig(
            temperature: request.temperature, maxOutputTokens: maxOutputTokens ?? request.maxOutputTokens,
            responseMimeType: "application/json", responseJsonSchema: schema,
            thinkingConfig: budget.map { GeminiWire.ThinkingConfig(thinkingBudget: $0) })
        let system = request.systemInstruction.isEmpty
            ? nil : GeminiWire.Content(role: nil, parts: [.init(text: request.systemInstruction)])
        let contents = [GeminiWire.Content(role: "user", parts: [.init(text: request.prompt)])] + extraTurns
        return GeminiWire.GenerateRequest(contents: contents, systemInstruction: system, generationConfig: config)
    }

    public func generate(_ request: GenerationRequest) async throws -> GenerationResult {
        let context = "\(client.providerName) generateContent \(options.model) key=\(request.key)"
        let estimate = StructuredOutput.estimateTokens(request.systemInstruction, request.prompt)
        var usage = TokenUsage()
        var extraTurns: [GeminiWire.Content] = []
        var maxTokens: Int?
        var thinking: Int?
        var repaired = false
        var widened = false
        while true {
            let body = body(for: request, extraTurns: extraTurns, maxOutputTokens: maxTokens, thinkingBudget: thinking)
            let response = try await client.generateContent(model: options.model, body: body, estimatedTokens: estimate)
            usage = usage + (response.usageMetadata?.tokenUsage ?? TokenUsage())
            do {
                let (output, text, finish) = try Self.interpret(response, schema: request.responseJSONSchema,
                                                                context: context)
                return GenerationResult(output: output, rawText: text, usage: usage, finishReason: finish,
                                        model: response.modelVersion ?? options.model)
            } catch let error as ProviderError where error.code == .maxTokens && !widened {
                widened = true
                maxTokens = request.maxOutputTokens * 2
                thinking = 0
            } catch let error as ProviderError where error.code == .schemaMismatch && !repaired {
                repaired = true
                let previous = Self.text(of: response) ?? ""
                extraTurns = [GeminiWire.Content(role: "model", parts: [.init(text: previous)]),
                              GeminiWire.Content(role: "user", parts: [.init(text: StructuredOutput.repairPrompt(
                                  problem: error.message))])]
            } catch var error as ProviderError {
                error.attempts = 1 + (repaired ? 1 : 0) + (widened ? 1 : 0)
                throw error
            }
        }
    }

    /// Concatenated non-thought text of the first candidate.
    static func text(of response: GeminiWire.GenerateResponse) -> String? {
        guard let parts = response.candidates?.first?.content?.parts else { return nil }
        let text = parts.filter { $0.thought != true }.compactMap(\.text).joined()
        return text.isEmpty ? nil : text
    }

    /// Classifies a 200 response; returns the output, raw text and finish reason.
    /// - Throws: ``ProviderError`` `.blocked`, `.emptyCandidates`, `.maxTokens`, `.schemaMismatch`.
    public static func interpret(_ response: GeminiWire.GenerateResponse, schema: String?,
                                 context: String) throws -> (SummaryOutput, String, String) {
        if let reason = response.promptFeedback?.blockReason {
            throw ProviderError(code: .blocked, message: "\(context): prompt blocked (blockReason \(reason))",
                                httpStatus: 200)
        }
        guard let candidate = response.candidates?.first else {
            throw ProviderError(code: .emptyCandidates, message: "\(context): response has no candidates", httpStatus: 200)
        }
        let finish = candidate.finishReason ?? "STOP"
        switch finish {
        case "STOP", "FINISH_REASON_UNSPECIFIED": break
        case "MAX_TOKENS":
            throw ProviderError(code: .maxTokens, message: "\(context): output stopped at maxOutputTokens", httpStatus: 200)
        case "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY", "LANGUAGE":
            throw ProviderError(code: .blocked, message: "\(context): candidate stopped (finishReason \(finish))",
                                httpStatus: 200)
        default:
            throw ProviderError(code: .emptyCandidates, message: "\(context): no usable output (finishReason \(finish))",
                                httpStatus: 200)
        }
        guard let text = text(of: response) else {
            throw ProviderError(code: .emptyCandidates, message: "\(context): candidate has no text", httpStatus: 200)
        }
        return (try StructuredOutput.parse(text, schema: schema, context: context), text, finish)
    }
}
