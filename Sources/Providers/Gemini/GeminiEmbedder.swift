import Foundation

/// ``Embedder`` over Gemini embeddings (`gemini-embedding-001` by default).
///
/// The Gemini API uses `batchEmbedContents` in chunks of 100; Vertex uses `embedContent` per text
/// (bounded by the client's concurrency limit). Vectors are re-normalised to unit length because
/// truncated MRL outputs (dimension < 3072) are not normalised by the service.
public struct GeminiEmbedder: Embedder {
    /// The client (endpoint, auth, retries).
    public let client: GeminiClient
    /// Model id.
    public let model: String
    /// Requested `outputDimensionality`.
    public let dimension: Int
    /// Texts per `batchEmbedContents` call.
    public let batchSize: Int

    /// Creates an embedder.
    public init(client: GeminiClient, model: String = "gemini-embedding-001", dimension: Int = 768, batchSize: Int = 100) {
        self.client = client
        self.model = model
        self.dimension = dimension
        self.batchSize = max(1, batchSize)
    }

    public var descriptor: EmbedderDescriptor {
        EmbedderDescriptor(provider: client.providerName, model: model, dimension: dimension)
    }

    public func embed(_ texts: [String], task: EmbeddingTask) async throws -> [[Float]] {
        guard !texts.isEmpty else { return [] }
        var raw: [[Float]] = []
        switch client.endpoint.flavor {
        case .geminiAPI:
            for start in stride(from: 0, to: texts.count, by: batchSize) {
                let chunk = Array(texts[start..<min(texts.count, start + batchSize)])
                raw += try await client.batchEmbedContents(model: model, texts: chunk, task: task.rawValue,
                                                           dimension: dimension)
            }
        case .vertex:
            raw = try await withThrowingTaskGroup(of: (Int, [Float]).self) { group in
                for (index, text) in texts.enumerated() {
                    group.addTask {
                        (index, try await client.embedContent(model: model, text: text, task: task.rawValue,
                                                              dimension: dimension))
                    }
                }
                var ordered = [[Float]](repeating: [], count: texts.count)
                for try await (index, vector) in group { ordered[index] = vector }
                return ordered
            }
        }
        return try raw.map { try Self.normalised($0, expected: dimension, context: "\(descriptor)") }
    }

    /// Checks the dimension and L2-normalises.
    /// - Throws: `.invalidResponse` for a wrong dimension or a zero/non-finite vector.
    public static func normalised(_ vector: [Float], expected: Int, context: String) throws -> [Float] {
        guard vector.count == expected else {
            throw ProviderError(code: .invalidResponse,
                                message: "\(context): embedding has \(vector.count) values, expected \(expected)")
        }
        let norm = vector.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
        guard norm.isFinite, norm > 0 else {
            throw ProviderError(code: .invalidResponse, message: "\(context): embedding has zero or non-finite norm")
        }
        return vector.map { $0 / norm }
    }
}
