import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Writes one line per record to standard error: JSON lines when stderr is not a terminal
/// (Kubernetes, CloudWatch), readable lines on a terminal.
public final class StderrLogHandler: LogHandler {
    /// Output format.
    public enum Format: Sendable { case json, human }

    private let format: Format
    private let lock = Mutex<Void>(())

    /// Creates a handler; `format` defaults to JSON unless stderr is a TTY.
    public init(format: Format? = nil) {
        self.format = format ?? (isatty(STDERR_FILENO) == 1 ? .human : .json)
    }

    public func write(_ record: LogRecord) {
        let line = format == .json ? Self.jsonLine(record) : Self.humanLine(record)
        lock.withLock { _ in
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
    }

    /// Formats a record as one JSON object: `ts`, `level`, `event`, then metadata keys.
    public static func jsonLine(_ record: LogRecord) -> String {
        var parts = [
            "\"ts\":\(quote(timestamp(record.date)))",
            "\"level\":\(quote(record.level.description))",
            "\"logger\":\(quote(record.label))",
            "\"event\":\(quote(record.event))",
        ]
        for key in record.metadata.keys.sorted() {
            guard let value = record.metadata[key] else { continue }
            parts.append("\(quote(key)):\(jsonValue(value))")
        }
        return "{" + parts.joined(separator: ",") + "}"
    }

    /// Formats a record for people: `13:02:11 info  event key=value …`.
    public static func humanLine(_ record: LogRecord) -> String {
        let time = String(timestamp(record.date).dropFirst(11).prefix(8))
        let level = record.level.description.padding(toLength: 7, withPad: " ", startingAt: 0)
        let meta = record.metadata.keys.sorted().compactMap { key in
            record.metadata[key].map { "\(key)=\($0)" }
        }.joined(separator: " ")
        return meta.isEmpty ? "\(time) \(level) \(record.event)" : "\(time) \(level) \(record.event) \(meta)"
    }

    private static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true)
            .timeZone(separator: .omitted).dateSeparator(.dash).timeSeparator(.colon)
            .dateTimeSeparator(.standard))
    }

    private static func jsonValue(_ value: Logger.MetadataValue) -> String {
        switch value {
        case .string(let s): quote(s)
        case .int(let i): String(i)
        case .double(let d): d.isFinite ? String(d) : quote(String(d))
        case .bool(let b): b ? "true" : "false"
        }
    }

    /// JSON string literal with escapes.
    public static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
