import Foundation

/// Where one run's files live under `<output>/<run-id>/` (documented in docs/modules/pipeline.md).
public struct RunLayout: Sendable, Hashable {
    /// `<output>/<run-id>`.
    public var root: URL
    /// The run id.
    public var runID: String

    /// Creates the layout for `runID` under `outputDirectory`.
    /// - Throws: ``PipelineError`` `.invalidArgument` for an unsafe run id.
    public init(outputDirectory: URL, runID: String) throws {
        try RunID.validate(runID)
        self.runID = runID
        self.root = outputDirectory.appendingPathComponent(runID, isDirectory: true)
    }

    /// Final rows of a category (or of one shard of it).
    public func output(_ category: ShopCategory, shard: ShardSpec = .all) -> URL {
        root.appendingPathComponent("\(category.rawValue)\(shard.fileSuffix).jsonl")
    }

    /// The append-only ledger of a category (or shard).
    public func ledger(_ category: ShopCategory, shard: ShardSpec = .all) -> URL {
        root.appendingPathComponent("ledger", isDirectory: true)
            .appendingPathComponent("\(category.rawValue)\(shard.fileSuffix).jsonl")
    }

    /// Report of one `generate` invocation.
    public func categoryReport(_ category: ShopCategory, shard: ShardSpec = .all) -> URL {
        root.appendingPathComponent("reports", isDirectory: true)
            .appendingPathComponent("\(category.rawValue)\(shard.fileSuffix).json")
    }

    /// The combined run report.
    public var report: URL { root.appendingPathComponent("report.json") }

    /// Creates the run directories.
    func createDirectories() throws {
        for dir in [root, root.appendingPathComponent("ledger"), root.appendingPathComponent("reports")] {
            do { try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true) } catch {
                throw PipelineError(code: .output, message: "cannot create directory \(dir.path)", cause: error)
            }
        }
    }
}
