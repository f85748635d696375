import Foundation

/// Codable shapes of the Gemini `generateContent` / `embedContent` REST bodies (shared by the
/// Gemini API and Vertex AI). Only the fields this project uses are modelled.
public enum GeminiWire {
    /// A message: role plus parts.
    public struct Content: Codable, Sendable, Hashable {
        public var role: String?
        public var parts: [Part]
        public init(role: String?, parts: [Part]) {
            self.role = role
            self.parts = parts
        }
    }

    /// A text part (`thought` marks thinking parts, which are not output).
    public struct Part: Codable, Sendable, Hashable {
        public var text: String?
        public var thought: Bool?
        public init(text: String) {
            self.text = text
            thought = nil
        }
    }

    /// Thinking budget control for 2.5 models.
    public struct ThinkingConfig: Codable, Sendable, Hashable {
        public var thinkingBudget: Int
    }

    /// `generationConfig`.
    public struct GenerationConfig: Codable, Sendable, Hashable {
        public var temperature: Double?
        public var maxOutputTokens: Int?
        public var responseMimeType: String?
        public var responseJsonSchema: JSONValue?
        public var thinkingConfig: ThinkingConfig?
    }

    /// `generateContent` request body.
    public struct GenerateRequest: Codable, Sendable, Hashable {
        public var contents: [Content]
        public var systemInstruction: Content?
        public var generationConfig: GenerationConfig?
    }

    /// One candidate.
    public struct Candidate: Codable, Sendable {
        public var content: Content?
        public var finishReason: String?
    }

    /// `promptFeedback`.
    public struct PromptFeedback: Codable, Sendable {
        public var blockReason: String?
    }

    /// `usageMetadata`.
    public struct UsageMetadata: Codable, Sendable {
        public var promptTokenCount: Int?
        public var candidatesTokenCount: Int?
        public var thoughtsTokenCount: Int?
        public var totalTokenCount: Int?

        /// As a ``TokenUsage``.
        public var tokenUsage: TokenUsage {
            TokenUsage(promptTokens: promptTokenCount ?? 0, outputTokens: candidatesTokenCount ?? 0,
                       thoughtsTokens: thoughtsTokenCount ?? 0, totalTokens: totalTokenCount)
        }
    }

    /// `generateContent` response body.
    public struct GenerateResponse: Codable, Sendable {
        public var candidates: [Candidate]?
        public var promptFeedback: PromptFeedback?
        public var usageMetadata: UsageMetadata?
        public var modelVersion: String?
    }

    /// Vertex's `embedContentConfig`.
    public struct EmbedConfig: Codable, Sendable, Hashable {
        public var taskType: String?
        public var outputDimensionality: Int?
        public var autoTruncate: Bool?
    }

    /// One `embedContent` request (Gemini API fields at top level; Vertex in `embedContentConfig`).
    public struct EmbedRequest: Codable, Sendable, Hashable {
        public var model: String?
        public var content: Content
        public var taskType: String?
        public var outputDimensionality: Int?
        public var embedContentConfig: EmbedConfig?
    }

    /// `batchEmbedContents` request body.
    public struct BatchEmbedRequest: Codable, Sendable, Hashable {
        public var requests: [EmbedRequest]
    }

    /// `{"values": [...]}`.
    public struct Embedding: Codable, Sendable {
        public var values: [Float]
    }

    /// `embedContent` response.
    public struct EmbedResponse: Codable, Sendable {
        public var embedding: Embedding
    }

    /// `batchEmbedContents` response.
    public struct BatchEmbedResponse: Codable, Sendable {
        public var embeddings: [Embedding]
    }
}
