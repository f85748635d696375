import Foundation

/// The append-only record of a category's outcomes in one run (docs/modules/pipeline.md, "Ledger").
///
/// Each line is a JSON ``Entry``. Lines are written with one `write(2)` as soon as a shop
/// finishes (so a killed process loses nothing written) and fsync'd every ``syncEvery`` entries
/// and on ``close()``. On open, a torn last line (no newline: the process died mid-write) is cut
/// off, and unreadable lines are counted and ignored. A shop counts as done when its latest
/// entry is `ok` with the same input hash and prompt version. Not Sendable: one task owns it.
public final class RunLedger {
    /// One ledger line.
    public struct Entry: Sendable, Codable, Hashable {
        /// Format version of the line.
        public var v: Int = 1
        public var shopID: String
        public var inputHash: String
        public var promptVersion: String
        public var status: OutputRow.Status
        /// The complete output row, so outputs can be rebuilt from the ledger alone.
        public var row: OutputRow

        public init(row: OutputRow) {
            shopID = row.shopID
            inputHash = row.inputHash
            promptVersion = row.promptVersion
            status = row.status
            self.row = row
        }

        enum CodingKeys: String, CodingKey {
            case v
            case shopID = "shop_id"
            case inputHash = "input_hash"
            case promptVersion = "prompt_version"
            case status, row
        }
    }

    /// Ledger file.
    public let url: URL
    /// Entries are fsync'd in batches of this size.
    public let syncEvery: Int
    /// Latest entry per shop id.
    public private(set) var latest: [String: Entry] = [:]
    /// Lines read at open.
    public private(set) var linesRead = 0
    /// Bytes of a torn last line cut off at open (0 when the file ended cleanly).
    public private(set) var tornBytesDropped = 0
    /// Complete lines that could not be decoded (ignored).
    public private(set) var unreadableLines = 0
    /// Entries appended by this process.
    public private(set) var appended = 0

    private let handle: AppendHandle
    private var unsynced = 0
    private let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// Opens (creating) the ledger, repairing a torn last line.
    /// - Throws: ``PipelineError`` `.ledger` naming the file.
    public init(url: URL, syncEvery: Int = 16) throws {
        self.url = url
        self.syncEvery = max(1, syncEvery)
        let fm = FileManager.default
        do {
            try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            if let data = fm.contents(atPath: url.path), !data.isEmpty {
                var end = data.endIndex
                if data.last != 0x0A {
                    end = (data.lastIndex(of: 0x0A).map { $0 + 1 }) ?? data.startIndex
                    tornBytesDropped = data.endIndex - end
                    let fh = try FileHandle(forWritingTo: url)
                    try fh.truncate(atOffset: UInt64(end - data.startIndex))
                    try fh.synchronize()
                    try fh.close()
                }
                let decoder = JSONDecoder()
                for line in data[data.startIndex..<end].split(separator: 0x0A) where !line.isEmpty {
                    linesRead += 1
                    guard let entry = try? decoder.decode(Entry.self, from: line) else { unreadableLines += 1; continue }
                    latest[entry.shopID] = entry
                }
            }
            let existed = fm.fileExists(atPath: url.path)
            handle = try AppendHandle(url: url)
            if !existed { try DurableFile.syncDirectory(url.deletingLastPathComponent()) }
        } catch let error as PipelineError {
            throw PipelineError(code: .ledger, message: "ledger \(url.path): \(error.message)", cause: error)
        } catch {
            throw PipelineError(code: .ledger, message: "ledger \(url.path) cannot be opened or repaired", cause: error)
        }
    }

    /// The stored row when the shop is already done with this input hash and prompt version.
    public func completed(shopID: String, inputHash: String, promptVersion: String) -> OutputRow? {
        guard let entry = latest[shopID], entry.status == .ok, entry.inputHash == inputHash,
              entry.promptVersion == promptVersion
        else { return nil }
        return entry.row
    }

    /// Appends an outcome (one `write(2)`), fsyncing every ``syncEvery`` entries.
    /// - Throws: ``PipelineError`` `.ledger`/`.output`.
    public func append(_ row: OutputRow) throws {
        let entry = Entry(row: row)
        var line = try encoder.encode(entry)
        line.append(0x0A)
        try handle.write(line)
        latest[row.shopID] = entry
        appended += 1
        unsynced += 1
        if unsynced >= syncEvery { try sync() }
    }

    /// fsyncs pending entries.
    public func sync() throws {
        guard unsynced > 0 else { return }
        try handle.sync()
        unsynced = 0
    }

    /// Syncs and closes.
    public func close() throws {
        try sync()
        handle.close()
    }
}
