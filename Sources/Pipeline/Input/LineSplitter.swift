import Foundation

/// Splits a byte stream into `\n`-terminated lines (a trailing `\r` is dropped), counting line
/// numbers from 1. Feed chunks with ``feed(_:_:)``; call ``finish(_:)`` at the end.
public struct LineSplitter {
    private var pending = Data()
    public private(set) var lineNumber = 0

    public init() {}

    /// Appends a chunk and calls `body(lineNumber, line)` for each complete line.
    public mutating func feed(_ chunk: Data, _ body: (Int, Data) throws -> Void) rethrows {
        pending.append(chunk)
        var start = pending.startIndex
        while let newline = pending[start...].firstIndex(of: 0x0A) {
            lineNumber += 1
            var end = newline
            if end > start, pending[end - 1] == 0x0D { end -= 1 }
            try body(lineNumber, pending[start..<end])
            start = newline + 1
        }
        if start > pending.startIndex { pending = Data(pending[start...]) }
    }

    /// Emits the last line when the stream does not end with a newline.
    public mutating func finish(_ body: (Int, Data) throws -> Void) rethrows {
        guard !pending.isEmpty else { return }
        lineNumber += 1
        var line = pending
        if line.last == 0x0D { line.removeLast() }
        pending = Data()
        try body(lineNumber, line)
    }
}

/// Reads a file (plain, or gzip when the name ends in `.gz`) line by line in 1 MiB chunks.
public enum LineFile {
    /// Calls `body(lineNumber, bytes)` for each line.
    /// - Throws: ``PipelineError`` `.inputMissing` / `.inputUnreadable`, or what `body` throws.
    public static func forEachLine(in url: URL, _ body: (Int, Data) throws -> Void) throws {
        let path = url.path
        guard FileManager.default.fileExists(atPath: path) else {
            throw PipelineError(code: .inputMissing, message: "input file \(path) does not exist")
        }
        var splitter = LineSplitter()
        if path.hasSuffix(".gz") {
            try GzipLines.read(url: url) { chunk in try splitter.feed(chunk, body) }
        } else {
            guard let handle = FileHandle(forReadingAtPath: path) else {
                throw PipelineError(code: .inputUnreadable, message: "input file \(path) cannot be opened")
            }
            defer { try? handle.close() }
            while true {
                let chunk: Data?
                do { chunk = try handle.read(upToCount: 1 << 20) } catch {
                    throw PipelineError(code: .inputUnreadable, message: "input file \(path): read failed",
                                        cause: error)
                }
                guard let chunk, !chunk.isEmpty else { break }
                try splitter.feed(chunk, body)
            }
        }
        try splitter.finish(body)
    }
}
