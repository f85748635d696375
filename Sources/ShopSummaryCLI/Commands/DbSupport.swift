import Foundation
import Pipeline
import VectorIndex
import VectorStore

/// Shared pieces of the `db` commands: options, opening the store, record input and output.
enum DbSupport {
    static let dataDir = OptionSpec("--data-dir", .value(placeholder: "DIR"), help: "Vector store directory.",
                                    default: "./.shop-summary/db")
    static let json = OptionSpec("--json", help: "Print JSON instead of text.")
    static let collection = OptionSpec("--collection", .value(placeholder: "NAME"), help: "Collection name.", required: true)

    /// Opens the store; `SHOP_SUMMARY_DB_GC_GRACE` (seconds) overrides the garbage-collection grace
    /// period `SHOP_SUMMARY_DB_SEGMENT_ROWS` the rows per segment file and `SHOP_SUMMARY_DB_HNSW_MIN_ROWS`
    /// the segment size from which an HNSW index is built and searched (tests; turns the quantised scan and
    /// the projection index off).
    /// Only `db create` passes `create: true` (`db import-chroma` opens through
    /// `PipelineOptions.openDatabase`): every other `db` command needs an existing store and names
    /// the path when there is none (exit 66).
    static func open(_ arguments: ParsedArguments, environment: [String: String], create: Bool = false) throws -> VectorDatabase {
        var config = VectorDatabase.Configuration()
        if let g = environment["SHOP_SUMMARY_DB_GC_GRACE"], let seconds = Double(g), seconds >= 0 {
            config.gcGracePeriod = seconds
        }
        if let r = environment["SHOP_SUMMARY_DB_SEGMENT_ROWS"], let rows = Int(r), rows > 0 { config.maxSegmentRows = rows }
        if let r = environment["SHOP_SUMMARY_DB_HNSW_MIN_ROWS"], let rows = Int(r), rows > 0 {
            // An explicit index threshold means "search through HNSW from this size": no quantised scan.
            config.hnswMinRows = rows
            config.planner.quantizedComponentLimit = 0
            config.projectionIndex = false
        }
        let dir = arguments.value("--data-dir") ?? "./.shop-summary/db"
        return try VectorDatabase(directory: URL(fileURLWithPath: dir), configuration: config, createIfMissing: create)
    }

    static func usage(_ arguments: ParsedArguments, _ message: String) -> UsageError {
        UsageError(command: arguments.commandPath.joined(separator: " "), message: message)
    }

    /// Parses a JSON array of numbers (`--vector '[0.1, 0.2]'`).
    static func vector(_ text: String, option: String, _ arguments: ParsedArguments) throws -> [Float] {
        guard let value = try? JSONValue(parsing: text) else { throw usage(arguments, "\(option) must be a JSON array of numbers") }
        return try vector(value, option: option, arguments)
    }

    /// Parses one vector (`[0.1, 0.2]`) or several (`[[0.1, 0.2], [0.3, 0.4]]`), as Chroma's
    /// `query_embeddings` takes one or many.
    static func vectors(_ text: String, option: String, _ arguments: ParsedArguments) throws -> [[Float]] {
        guard let value = try? JSONValue(parsing: text), case .array(let items) = value else {
            throw usage(arguments, "\(option) must be a JSON array of numbers, or an array of such arrays")
        }
        if let first = items.first, case .array = first {
            return try items.enumerated().map { i, item in try vector(item, option: "\(option) vector \(i + 1)", arguments) }
        }
        return [try vector(value, option: option, arguments)]
    }

    private static func vector(_ value: JSONValue, option: String, _ arguments: ParsedArguments) throws -> [Float] {
        guard case .array(let items) = value else { throw usage(arguments, "\(option) must be a JSON array of numbers") }
        return try items.map { item in
            switch item {
            case .int(let i): return Float(i)
            case .double(let d): return Float(d)
            default: throw usage(arguments, "\(option) must contain only numbers")
            }
        }
    }

    /// Parses one record object: `{"id", "embedding"|"vector", "document"?, "metadata"?}`.
    static func record(_ value: JSONValue, file: String, line: Int) throws -> VectorRecord {
        func bad(_ field: String, _ why: String) -> InputError {
            InputError(message: "\(file):\(line): field '\(field)': \(why)")
        }
        guard case .object = value else { throw InputError(message: "\(file):\(line): expected a JSON object") }
        guard case .string(let id)? = value["id"] else { throw bad("id", "missing or not a string") }
        var vector: [Float] = []
        if let v = value["embedding"] ?? value["vector"] {
            guard case .array(let items) = v else { throw bad("embedding", "not an array") }
            vector = try items.map {
                switch $0 {
                case .int(let i): return Float(i)
                case .double(let d): return Float(d)
                default: throw bad("embedding", "contains a non-number")
                }
            }
        }
        var document: String?
        if let d = value["document"] {
            switch d {
            case .string(let s): document = s
            case .null: document = nil
            default: throw bad("document", "not a string")
            }
        }
        var metadata: Metadata = [:]
        if let m = value["metadata"] {
            switch m {
            case .object(let members):
                for (k, v) in members {
                    guard let mv = v.metadataValue else { throw bad("metadata.\(k)", "must be a string, number or bool") }
                    metadata[k] = mv
                }
            case .null: break
            default: throw bad("metadata", "not an object")
            }
        }
        return VectorRecord(id: id, vector: vector, document: document, metadata: metadata)
    }

    /// Records from `--file` (JSON Lines, or a JSON array; `-` is stdin; `.gz` is decompressed) or
    /// the single-record options.
    ///
    /// JSON Lines are streamed in 1 MiB chunks and each line's parse tree is dropped as soon as it
    /// is a record, so a 100k-row batch costs the records themselves, not the file text (measured
    /// by `tests/e2e/store-large-batch.sh`). A JSON array is one document and is read whole.
    static func records(_ arguments: ParsedArguments) throws -> [VectorRecord] {
        if let file = arguments.value("--file") {
            var result: [VectorRecord] = []
            var arrayText: [UInt8]?
            let blank: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x0D || $0 == 0x09 || $0 == 0x0A }
            func take(_ lineNumber: Int, _ line: Data) throws {
                if arrayText != nil {
                    arrayText?.append(contentsOf: line)
                    arrayText?.append(0x0A)
                    return
                }
                guard let first = line.first(where: { !blank($0) }) else { return }
                if result.isEmpty && first == UInt8(ascii: "[") {
                    arrayText = Array(line) + [0x0A]
                    return
                }
                let value: JSONValue
                do { value = try JSONValue(parsing: Array(line)) } catch {
                    throw InputError(message: "\(file):\(lineNumber): invalid JSON: \(error)")
                }
                result.append(try record(value, file: file, line: lineNumber))
            }
            if file == "-" {
                var splitter = LineSplitter()
                while true {
                    let chunk = FileHandle.standardInput.readData(ofLength: 1 << 20)
                    if chunk.isEmpty { break }
                    try splitter.feed(chunk, take)
                }
                try splitter.finish(take)
            } else {
                guard FileManager.default.isReadableFile(atPath: file) else {
                    throw InputError(message: "cannot read input file \(file)", exitCode: ExitCode.noInput)
                }
                try LineFile.forEachLine(in: URL(fileURLWithPath: file), take)
            }
            guard let arrayText else { return result }
            let value: JSONValue
            do { value = try JSONValue(parsing: arrayText) } catch {
                throw InputError(message: "\(file): invalid JSON: \(error)")
            }
            guard case .array(let items) = value else { throw InputError(message: "\(file): expected an array") }
            return try items.enumerated().map { try record($1, file: file, line: $0 + 1) }
        }
        guard let id = arguments.value("--id") else { throw usage(arguments, "give --file FILE or --id with --vector") }
        var metadata: Metadata = [:]
        if let m = arguments.value("--metadata") {
            guard let value = try? JSONValue(parsing: m), case .object(let members) = value else {
                throw usage(arguments, "--metadata must be a JSON object")
            }
            for (k, v) in members {
                guard let mv = v.metadataValue else { throw usage(arguments, "--metadata value of '\(k)' must be a scalar") }
                metadata[k] = mv
            }
        }
        let values = try arguments.value("--vector").map { try Self.vector($0, option: "--vector", arguments) } ?? []
        return [VectorRecord(id: id, vector: values, document: arguments.value("--document"), metadata: metadata)]
    }

    static let recordOptions: [OptionSpec] = [
        OptionSpec("--file", .value(placeholder: "FILE"),
                   help: "JSON Lines (or a JSON array) of {\"id\", \"embedding\", \"document\", \"metadata\"}; '-' reads stdin."),
        OptionSpec("--id", .value(placeholder: "ID"), help: "Id of a single record (instead of --file)."),
        OptionSpec("--vector", .value(placeholder: "JSON"), help: "Vector of the single record, e.g. '[0.1, 0.2]'."),
        OptionSpec("--document", .value(placeholder: "TEXT"), help: "Document of the single record."),
        OptionSpec("--metadata", .value(placeholder: "JSON"), help: "Metadata object of the single record."),
    ]

    static func metadataJSON(_ m: Metadata) -> JSONValue {
        .object(m.keys.sorted().map { ($0, m[$0]!.jsonValue) })
    }

    /// Which fields `db get` / `db query` print, by Chroma's `include` names.
    struct Include: Equatable {
        var documents = true
        var metadatas = true
        var embeddings = false
        var distances = true
    }

    static let include = OptionSpec(
        "--include", .value(placeholder: "LIST"),
        help: "Fields to print, by Chroma's names: documents,metadatas,embeddings (and distances for query); "
            + "default documents,metadatas[,distances]. The id is always printed.")

    /// Parses `--include` (and the older `--include-vectors`, which adds embeddings).
    static func include(_ arguments: ParsedArguments, query: Bool) throws -> Include {
        var result = Include()
        if let list = arguments.value("--include") {
            let names = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            let known = query ? ["documents", "metadatas", "embeddings", "distances"] : ["documents", "metadatas", "embeddings"]
            if let bad = names.first(where: { !known.contains($0) }) {
                throw usage(arguments, "--include: unknown field '\(bad)' (known: \(known.joined(separator: ", ")))")
            }
            result = Include(documents: names.contains("documents"), metadatas: names.contains("metadatas"),
                             embeddings: names.contains("embeddings"), distances: names.contains("distances"))
        }
        if arguments.flag("--include-vectors") { result.embeddings = true }
        return result
    }

    static func recordJSON(_ r: VectorRecord, _ include: Include) -> JSONValue {
        var members: [(String, JSONValue)] = [("id", .string(r.id))]
        if include.documents { members.append(("document", r.document.map { .string($0) } ?? .null)) }
        if include.metadatas { members.append(("metadata", metadataJSON(r.metadata))) }
        if include.embeddings { members.append(("embedding", .array(r.vector.map { .double(Double($0)) }))) }
        return .object(members)
    }

    static func hitJSON(_ h: QueryHit, _ include: Include) -> JSONValue {
        var members: [(String, JSONValue)] = [("id", .string(h.id))]
        if include.distances { members.append(("distance", .double(Double(h.distance)))) }
        if include.documents { members.append(("document", h.document.map { .string($0) } ?? .null)) }
        if include.metadatas { members.append(("metadata", metadataJSON(h.metadata))) }
        if include.embeddings { members.append(("embedding", .array(h.vector.map { .double(Double($0)) }))) }
        return .object(members)
    }

    static func filters(_ arguments: ParsedArguments) throws -> (MetadataFilter?, DocumentFilter?) {
        let w = try arguments.value("--where").map { try MetadataFilter(json: $0) }
        let d = try arguments.value("--where-document").map { try DocumentFilter(json: $0) }
        return (w, d)
    }

    static let filterOptions: [OptionSpec] = [
        OptionSpec("--where", .value(placeholder: "JSON"), help: "Chroma-style metadata filter, e.g. '{\"rating\": {\"$gte\": 4}}'."),
        OptionSpec("--where-document", .value(placeholder: "JSON"), help: "Document filter, e.g. '{\"$contains\": \"파스타\"}'."),
    ]
}

/// Bad input file content: names the file, line and field; exit 65 (or 66 when unreadable).
struct InputError: Error, CLIReportableError {
    var message: String
    var exitCode: Int32 = ExitCode.dataError
    var cliMessage: String { "error: \(message)" }
}
