import Foundation
import Observability
import Providers
import VectorStore

/// The curated example summaries in the vector store: one `<category>_examples` collection per
/// category, embedded with one embedder whose identity is recorded in the collection attributes
/// (`embedder.provider`, `embedder.model`, `embedder.dimension`). Queries with another embedder
/// are refused, because vectors from different models are not comparable.
public struct ExampleLibrary: Sendable {
    public let database: VectorDatabase
    public let embedder: any Embedder

    /// Attribute keys recorded on each collection.
    public static let providerKey = "embedder.provider"
    public static let modelKey = "embedder.model"
    public static let dimensionKey = "embedder.dimension"

    public init(database: VectorDatabase, embedder: any Embedder) {
        self.database = database
        self.embedder = embedder
    }

    /// Reads a JSON Lines file of ``ExampleSummary`` (`id`, `category`, `shop_name`, `cuisine`, `summary`, `tags`).
    /// - Throws: ``PipelineError`` `.inputMissing`, or `.invalidExamples` naming the file and line.
    public static func loadFile(_ url: URL) throws -> [ExampleSummary] {
        var examples: [ExampleSummary] = []
        var seen: [String: Int] = [:]
        let decoder = JSONDecoder()
        try LineFile.forEachLine(in: url) { line, bytes in
            if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return }
            let example: ExampleSummary
            do { example = try decoder.decode(ExampleSummary.self, from: bytes) } catch {
                throw PipelineError(code: .invalidExamples,
                                    message: "examples file \(url.path):\(line): \(Self.describe(error))")
            }
            guard !example.summary.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw PipelineError(code: .invalidExamples,
                                    message: "examples file \(url.path):\(line): field 'summary': empty")
            }
            if let first = seen[example.id] {
                throw PipelineError(code: .invalidExamples,
                                    message: "examples file \(url.path):\(line): field 'id': duplicate '\(example.id)' (first on line \(first))")
            }
            seen[example.id] = line
            examples.append(example)
        }
        return examples
    }

    /// Embeds and upserts examples into their category collections (created when missing).
    /// - Parameter replace: delete existing collections first (needed to switch embedders).
    /// - Returns: examples written per category.
    /// - Throws: ``PipelineError`` `.embedderMismatch` when a collection was built with another
    ///   embedder and `replace` is false; `.store` for store errors.
    @discardableResult
    public func importExamples(_ examples: [ExampleSummary], replace: Bool = false) async throws -> [ShopCategory: Int] {
        var counts: [ShopCategory: Int] = [:]
        let descriptor = embedder.descriptor
        let attributes = [Self.providerKey: descriptor.provider, Self.modelKey: descriptor.model,
                          Self.dimensionKey: String(descriptor.dimension)]
        for category in ShopCategory.allCases {
            let group = examples.filter { $0.category == category }
            guard !group.isEmpty else { continue }
            let name = category.examplesCollection
            let collection: VectorCollection
            do {
                if replace, try database.listCollections().contains(where: { $0.name == name }) {
                    try database.deleteCollection(named: name)
                }
                collection = try database.getOrCreateCollection(name: name, dimension: descriptor.dimension,
                                                                 metric: .cosine, attributes: attributes)
            } catch {
                throw PipelineError(code: .store, message: "cannot open collection \(name)", cause: error)
            }
            try Self.checkEmbedder(collection, descriptor: descriptor)
            let vectors = try await embedder.embed(group.map(ExampleRecordCoding.embeddingText(for:)),
                                                   task: .retrievalDocument)
            let records = zip(group, vectors).map { ExampleRecordCoding.record(for: $0, vector: $1) }
            do { try collection.upsert(records) } catch {
                throw PipelineError(code: .store, message: "cannot write examples to \(name)", cause: error)
            }
            counts[category] = group.count
        }
        return counts
    }

    /// The example selector (hybrid BM25 + vector search, MMR) over the collections, after checking
    /// each exists and was built with this embedder.
    /// - Throws: ``PipelineError`` `.examplesMissing` or `.embedderMismatch`.
    public func retriever(for categories: [ShopCategory] = ShopCategory.allCases, k: Int = 3) throws -> ExampleSelector {
        for category in categories {
            let name = category.examplesCollection
            let collection: VectorCollection
            do { collection = try database.collection(named: name) } catch let error as StorageError
                where error.code == .collectionNotFound
            {
                throw PipelineError(code: .examplesMissing,
                                    message: "collection \(name) does not exist in \(database.directory.path); "
                                        + "import examples first: shop-summary examples import --file samples/examples.jsonl")
            } catch {
                throw PipelineError(code: .store, message: "cannot open collection \(name)", cause: error)
            }
            try Self.checkEmbedder(collection, descriptor: embedder.descriptor)
        }
        return ExampleSelector(source: VectorStoreExampleSource(database: database), configuration: .init(k: k))
    }

    public static func checkEmbedder(_ collection: VectorCollection, descriptor: EmbedderDescriptor) throws {
        let attributes = collection.attributes
        let stored = "\(attributes[providerKey] ?? "?")/\(attributes[modelKey] ?? "?")@\(attributes[dimensionKey] ?? "\(collection.dimension)")"
        let matches = attributes[providerKey] == descriptor.provider && attributes[modelKey] == descriptor.model
            && collection.dimension == descriptor.dimension
        guard matches else {
            throw PipelineError(
                code: .embedderMismatch,
                message: "collection \(collection.name) was embedded with \(stored), but the configured embedder is "
                    + "\(descriptor); vectors of different models are not comparable. Use the original embedder "
                    + "(--embedder) or re-import the examples with 'shop-summary examples import --replace'")
        }
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): "field '\(key.stringValue)': missing"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            "field '\(context.codingPath.map(\.stringValue).joined(separator: "."))': wrong type"
        case DecodingError.dataCorrupted(let context):
            context.codingPath.isEmpty ? "invalid JSON"
                : "field '\(context.codingPath.map(\.stringValue).joined(separator: "."))': invalid value"
        default: "\(error)"
        }
    }
}
