/// A summary of one collection, as `db stats` shows it.
public struct CollectionInfo: Sendable, Codable, Equatable {
    /// Collection name.
    public var name: String
    /// Vector dimension.
    public var dimension: Int
    /// Distance metric.
    public var metric: DistanceMetric
    /// Live rows.
    public var count: Int
    /// Bytes of the files the current manifest names (segments, tombstones, indexes, manifest).
    public var bytes: Int64
    /// Free-form attributes recorded at creation (e.g. embedder provider, model, dimension).
    public var attributes: [String: String]

    /// Creates an info value.
    public init(name: String, dimension: Int, metric: DistanceMetric, count: Int, bytes: Int64,
                attributes: [String: String]) {
        self.name = name
        self.dimension = dimension
        self.metric = metric
        self.count = count
        self.bytes = bytes
        self.attributes = attributes
    }
}

/// Store-wide figures: every live collection, sorted by name.
public struct StoreStats: Sendable, Codable, Equatable {
    /// Live collections sorted by name.
    public var collections: [CollectionInfo]
    /// Sum of the collections' bytes.
    public var totalBytes: Int64
    /// On-disk format version of the store.
    public var formatVersion: Int

    /// Creates a stats value.
    public init(collections: [CollectionInfo], totalBytes: Int64, formatVersion: Int) {
        self.collections = collections
        self.totalBytes = totalBytes
        self.formatVersion = formatVersion
    }
}

/// The outcome of ``VectorDatabase/verify()``: problems found (empty means healthy).
public struct VerifyReport: Sendable, Codable, Equatable {
    /// One finding.
    public struct Problem: Sendable, Codable, Equatable {
        /// Collection concerned, if any.
        public var collection: String?
        /// File concerned (relative to the store directory), if any.
        public var file: String?
        /// What is wrong.
        public var message: String

        /// Creates a problem.
        public init(collection: String?, file: String?, message: String) {
            self.collection = collection
            self.file = file
            self.message = message
        }
    }

    /// Problems that make the store wrong or unreadable.
    public var problems: [Problem]
    /// Harmless observations (e.g. unreferenced files waiting for garbage collection).
    public var notes: [String]
    /// Collections checked.
    public var collectionsChecked: Int
    /// Files whose checksum was verified.
    public var filesChecked: Int
    /// Live rows seen.
    public var rowsChecked: Int

    /// Whether nothing is wrong.
    public var isHealthy: Bool { problems.isEmpty }

    /// Creates a report.
    public init(problems: [Problem] = [], notes: [String] = [], collectionsChecked: Int = 0,
                filesChecked: Int = 0, rowsChecked: Int = 0) {
        self.problems = problems
        self.notes = notes
        self.collectionsChecked = collectionsChecked
        self.filesChecked = filesChecked
        self.rowsChecked = rowsChecked
    }
}
