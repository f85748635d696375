import Foundation
import Synchronization

/// A small value-type logger mirroring swift-log's API (label, level, metadata, handler), so a
/// later migration is a one-line swap. Libraries accept a `Logger`; only the CLI creates one.
public struct Logger: Sendable {
    /// Severity, ordered.
    public enum Level: Int, Sendable, Comparable, CaseIterable, CustomStringConvertible {
        case trace, debug, info, notice, warning, error, critical

        public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rawValue < rhs.rawValue }

        public var description: String {
            switch self {
            case .trace: "trace"
            case .debug: "debug"
            case .info: "info"
            case .notice: "notice"
            case .warning: "warning"
            case .error: "error"
            case .critical: "critical"
            }
        }

        /// Parses `trace|debug|info|notice|warning|error|critical` (and `warn`).
        public init?(name: String) {
            let lower = name.lowercased()
            if lower == "warn" { self = .warning; return }
            guard let match = Level.allCases.first(where: { $0.description == lower }) else { return nil }
            self = match
        }
    }

    /// A metadata value: strings, numbers and booleans keep their JSON type in JSON logs.
    public enum MetadataValue: Sendable, Hashable, CustomStringConvertible,
        ExpressibleByStringLiteral, ExpressibleByIntegerLiteral
    {
        case string(String)
        case int(Int)
        case double(Double)
        case bool(Bool)

        public init(stringLiteral value: String) { self = .string(value) }
        public init(integerLiteral value: Int) { self = .int(value) }

        public var description: String {
            switch self {
            case .string(let s): s
            case .int(let i): String(i)
            case .double(let d): String(d)
            case .bool(let b): String(b)
            }
        }
    }

    /// Metadata keyed by dotted stable names (`run.id`, `shop.id`, `error.short`).
    public typealias Metadata = [String: MetadataValue]

    /// Who wrote the line, e.g. `shop-summary.pipeline`.
    public var label: String
    /// Lines below this level are dropped.
    public var logLevel: Level
    /// Metadata attached to every line of this logger.
    public var metadata: Metadata
    /// Where lines go.
    public var handler: any LogHandler

    /// Creates a logger.
    public init(label: String, level: Level = .info, metadata: Metadata = [:], handler: any LogHandler) {
        self.label = label
        self.logLevel = level
        self.metadata = metadata
        self.handler = handler
    }

    /// A logger that discards everything (default for libraries under test).
    public static func disabled(label: String = "disabled") -> Logger {
        Logger(label: label, level: .critical, handler: NullLogHandler())
    }

    /// Accesses one metadata key.
    public subscript(metadataKey key: String) -> MetadataValue? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Returns a copy with extra metadata.
    public func with(_ extra: Metadata) -> Logger {
        var copy = self
        copy.metadata.merge(extra) { _, new in new }
        return copy
    }

    /// Logs one event.
    public func log(_ level: Level, _ event: @autoclosure () -> String, _ extra: Metadata = [:]) {
        guard level >= logLevel else { return }
        var merged = metadata
        merged.merge(extra) { _, new in new }
        handler.write(LogRecord(date: Date(), level: level, label: label, event: event(), metadata: merged))
    }

    public func trace(_ event: @autoclosure () -> String, _ extra: Metadata = [:]) { log(.trace, event(), extra) }
    public func debug(_ event: @autoclosure () -> String, _ extra: Metadata = [:]) { log(.debug, event(), extra) }
    public func info(_ event: @autoclosure () -> String, _ extra: Metadata = [:]) { log(.info, event(), extra) }
    public func notice(_ event: @autoclosure () -> String, _ extra: Metadata = [:]) { log(.notice, event(), extra) }
    public func warning(_ event: @autoclosure () -> String, _ extra: Metadata = [:]) { log(.warning, event(), extra) }
    public func error(_ event: @autoclosure () -> String, _ extra: Metadata = [:]) { log(.error, event(), extra) }
}

/// One log line before formatting.
public struct LogRecord: Sendable {
    public var date: Date
    public var level: Logger.Level
    public var label: String
    /// Stable event name or short message, e.g. `shop.generated`.
    public var event: String
    public var metadata: Logger.Metadata
}

/// Receives formatted-or-not log records.
public protocol LogHandler: Sendable {
    /// Writes one record; must be safe to call from any thread.
    func write(_ record: LogRecord)
}

/// Drops everything.
public struct NullLogHandler: LogHandler {
    public init() {}
    public func write(_ record: LogRecord) {}
}

/// Collects records in memory (tests).
public final class InMemoryLogHandler: LogHandler {
    private let storage = Mutex<[LogRecord]>([])
    public init() {}
    public func write(_ record: LogRecord) { storage.withLock { $0.append(record) } }
    /// Everything written so far.
    public var records: [LogRecord] { storage.withLock { $0 } }
}
