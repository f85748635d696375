import Foundation

/// A backup's name: its UTC creation time as `YYYYmmdd_HHMMSS` (sorts chronologically).
public struct BackupTimestamp: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    /// The `YYYYmmdd_HHMMSS` text.
    public let text: String
    /// The instant it names.
    public let date: Date

    /// The timestamp of `date`, truncated to whole seconds (UTC).
    public init(date: Date) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? TimeZone(secondsFromGMT: 0) ?? .current
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        text = String(format: "%04d%02d%02d_%02d%02d%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0,
                      c.hour ?? 0, c.minute ?? 0, c.second ?? 0)
        self.date = Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down))
    }

    /// Parses `YYYYmmdd_HHMMSS`; nil for anything else (so `latest/`, `objects/` are not backups).
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == 15, bytes[8] == UInt8(ascii: "_"),
              bytes.enumerated().allSatisfy({ $0.offset == 8 || (0x30...0x39).contains($0.element) })
        else { return nil }
        func number(_ range: Range<Int>) -> Int { Int(String(decoding: bytes[range], as: UTF8.self)) ?? -1 }
        var components = DateComponents()
        components.year = number(0..<4)
        components.month = number(4..<6)
        components.day = number(6..<8)
        components.hour = number(9..<11)
        components.minute = number(11..<13)
        components.second = number(13..<15)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? TimeZone(secondsFromGMT: 0) ?? .current
        guard let date = calendar.date(from: components), BackupTimestamp(date: date).text == text else { return nil }
        self.text = text
        self.date = date
    }

    /// The next second (used when two backups start within the same second).
    public func next() -> BackupTimestamp { BackupTimestamp(date: date.addingTimeInterval(1)) }

    public static func < (lhs: BackupTimestamp, rhs: BackupTimestamp) -> Bool { lhs.text < rhs.text }

    public var description: String { text }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let parsed = BackupTimestamp(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "bad backup timestamp '\(text)'")
        }
        self = parsed
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}
