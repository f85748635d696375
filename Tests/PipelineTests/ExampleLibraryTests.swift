import Foundation
import Providers
import Testing
import VectorStore
@testable import Pipeline

@Suite("Example library in the vector store")
struct ExampleLibraryTests {
    @Test func importsPerCategoryRecordsTheEmbedderAndRetrievesNearest() async throws {
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let database = try VectorDatabase(directory: dir.appendingPathComponent("db"))
        let embedder = OfflineEmbedder(dimension: 64)
        let library = ExampleLibrary(database: database, embedder: embedder)
        let counts = try await library.importExamples(Fixtures.examples)
        #expect(counts == [.casualDining: 2, .waitingHotplace: 1])
        let info = try #require(try database.listCollections().first { $0.name == "low_to_mid_price_dining_examples" })
        #expect(info.attributes["embedder.provider"] == "offline")
        #expect(info.attributes["embedder.model"] == OfflineEmbedder.modelName)
        #expect(info.attributes["embedder.dimension"] == "64")
        // Re-import is an upsert: counts stay the same.
        try await library.importExamples(Fixtures.examples)
        #expect(try database.collection(named: "low_to_mid_price_dining_examples").count() == 2)

        let retriever = try library.retriever(for: [.casualDining, .waitingHotplace])
        let query = try await embedder.embed(["국물이 진하고 양이 많은 국밥집, 반찬이 정갈하다"], task: .retrievalQuery)[0]
        let hits = try await retriever.examples(for: .casualDining, queryVector: query, queryText: "", k: 2)
        #expect(hits.map(\.id) == ["ex-1", "ex-2"])
        #expect(hits[0].shopName == "예시 국밥")
        #expect(hits[0].summary == Fixtures.examples[0].summary)
    }

    @Test func queriesWithAnotherEmbedderAreRefused() async throws {
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let database = try VectorDatabase(directory: dir)
        try await ExampleLibrary(database: database, embedder: OfflineEmbedder(dimension: 64))
            .importExamples(Fixtures.examples)
        let other = ExampleLibrary(database: database, embedder: OfflineEmbedder(dimension: 128))
        #expect { try other.retriever(for: [.casualDining]) } throws: { error in
            guard let error = error as? PipelineError else { return false }
            return error.code == .embedderMismatch && error.message.contains("offline/hashed-ngram-v1@64")
                && error.message.contains("@128") && error.message.contains("low_to_mid_price_dining_examples")
        }
        await #expect(throws: PipelineError.self) { try await other.importExamples(Fixtures.examples) }
        // --replace rebuilds with the new embedder.
        try await other.importExamples(Fixtures.examples, replace: true)
        #expect(throws: Never.self) { try other.retriever(for: [.casualDining]) }
    }

    @Test func missingCollectionIsAClearError() throws {
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let library = ExampleLibrary(database: try VectorDatabase(directory: dir), embedder: OfflineEmbedder(dimension: 64))
        #expect { try library.retriever(for: [.fineDining]) } throws: { error in
            (error as? PipelineError)?.code == .examplesMissing
                && "\(error)".contains("shop-summary examples import")
        }
    }

    @Test func examplesFileErrorsNameFileLineAndField() throws {
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("examples.jsonl")
        try writeLines([
            "{\"id\": \"a\", \"category\": \"waiting_hotplace\", \"shop_name\": \"n\", \"summary\": \"s\"}",
            "{\"id\": \"b\", \"category\": \"waiting_hotplace\", \"shop_name\": \"n\"}",
        ], to: file)
        #expect { try ExampleLibrary.loadFile(file) } throws: { error in
            "\(error)".contains("\(file.path):2: field 'summary': missing")
        }
        try writeLines([
            "{\"id\": \"a\", \"category\": \"waiting_hotplace\", \"shop_name\": \"n\", \"summary\": \"s\"}",
            "{\"id\": \"a\", \"category\": \"waiting_hotplace\", \"shopName\": \"n\", \"summary\": \"t\"}",
        ], to: file)
        #expect { try ExampleLibrary.loadFile(file) } throws: { error in
            "\(error)".contains(":2: field 'id': duplicate 'a' (first on line 1)")
        }
    }

    @Test func shippedSampleExamplesLoad() throws {
        let examples = try ExampleLibrary.loadFile(repoRoot.appendingPathComponent("samples/examples.jsonl"))
        #expect(Set(examples.map(\.category)) == Set(ShopCategory.allCases))
    }
}
