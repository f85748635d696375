import Foundation

/// A standard five-field cron expression (`minute hour day-of-month month day-of-week`) with
/// lists, ranges, steps and names (`JAN`…`DEC`, `SUN`…`SAT`; 0 and 7 are Sunday).
///
/// Semantics follow Vixie cron: when both day-of-month and day-of-week are restricted, a day
/// matches if **either** matches. Times are wall-clock times in a time zone; a wall-clock time
/// that does not exist there (a DST gap) is skipped, and an ambiguous one (DST overlap) fires once.
public struct CronExpression: Sendable, Hashable, CustomStringConvertible {
    /// Allowed minutes (0–59).
    public let minutes: Set<Int>
    /// Allowed hours (0–23).
    public let hours: Set<Int>
    /// Allowed days of the month (1–31).
    public let daysOfMonth: Set<Int>
    /// Allowed months (1–12).
    public let months: Set<Int>
    /// Allowed days of the week (0 = Sunday … 6 = Saturday).
    public let daysOfWeek: Set<Int>
    /// The day-of-month field was `*` (or `?`).
    let anyDayOfMonth: Bool
    /// The day-of-week field was `*` (or `?`).
    let anyDayOfWeek: Bool
    /// The original text.
    public let source: String

    public var description: String { source }

    /// Parses an expression.
    /// - Throws: ``CronError`` naming the field and the offending text.
    public init(_ text: String) throws {
        let fields = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard fields.count == 5 else {
            throw CronError(expression: text, field: "expression",
                            message: "expected 5 fields (minute hour day-of-month month day-of-week), got \(fields.count)")
        }
        source = text
        minutes = try Self.parseField(fields[0], name: "minute", range: 0...59, names: [:], expression: text)
        hours = try Self.parseField(fields[1], name: "hour", range: 0...23, names: [:], expression: text)
        daysOfMonth = try Self.parseField(fields[2], name: "day-of-month", range: 1...31, names: [:], expression: text)
        months = try Self.parseField(fields[3], name: "month", range: 1...12, names: Self.monthNames, expression: text)
        let dow = try Self.parseField(fields[4], name: "day-of-week", range: 0...7, names: Self.dayNames, expression: text)
        daysOfWeek = Set(dow.map { $0 == 7 ? 0 : $0 })
        anyDayOfMonth = fields[2] == "*" || fields[2] == "?"
        anyDayOfWeek = fields[4] == "*" || fields[4] == "?"
    }

    /// The next `count` fire times strictly after `date`, in `timeZone`.
    public func nextDates(after date: Date, count: Int, in timeZone: TimeZone) -> [Date] {
        var result: [Date] = []
        var cursor = date
        while result.count < count, let next = nextDate(after: cursor, in: timeZone) {
            result.append(next)
            cursor = next
        }
        return result
    }

    /// The first fire time strictly after `date` in `timeZone`, or nil if none within 8 years
    /// (e.g. `0 0 30 2 *`, February 30th).
    public func nextDate(after date: Date, in timeZone: TimeZone) -> Date? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let start = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        guard var wall = WallClock(start) else { return nil }
        wall.addMinute()
        let lastYear = wall.year + 8
        while wall.year <= lastYear {
            if !months.contains(wall.month) { wall.nextMonth(); continue }
            if wall.day > WallClock.daysIn(year: wall.year, month: wall.month) { wall.nextMonth(); continue }
            if !dayMatches(wall) { wall.nextDay(); continue }
            if !hours.contains(wall.hour) { wall.nextHour(); continue }
            if !minutes.contains(wall.minute) { wall.addMinute(); continue }
            if let instant = calendar.date(from: wall.components), instant > date,
               WallClock(calendar.dateComponents([.year, .month, .day, .hour, .minute], from: instant)) == wall
            {
                return instant
            }
            wall.addMinute()  // nonexistent wall time (DST gap) or not after `date`
        }
        return nil
    }

    private func dayMatches(_ wall: WallClock) -> Bool {
        let domMatch = daysOfMonth.contains(wall.day)
        let dowMatch = daysOfWeek.contains(wall.weekday)
        switch (anyDayOfMonth, anyDayOfWeek) {
        case (true, true): return true
        case (true, false): return dowMatch
        case (false, true): return domMatch
        case (false, false): return domMatch || dowMatch
        }
    }

    // MARK: - Parsing

    static let monthNames = ["JAN": 1, "FEB": 2, "MAR": 3, "APR": 4, "MAY": 5, "JUN": 6,
                             "JUL": 7, "AUG": 8, "SEP": 9, "OCT": 10, "NOV": 11, "DEC": 12]
    static let dayNames = ["SUN": 0, "MON": 1, "TUE": 2, "WED": 3, "THU": 4, "FRI": 5, "SAT": 6]

    private static func parseField(_ field: String, name: String, range: ClosedRange<Int>, names: [String: Int],
                                   expression: String) throws -> Set<Int> {
        var values = Set<Int>()
        for part in field.split(separator: ",", omittingEmptySubsequences: false).map(String.init) {
            func fail(_ why: String) -> CronError {
                CronError(expression: expression, field: name, message: "'\(part)': \(why)")
            }
            guard !part.isEmpty else { throw fail("empty list element") }
            var base = part
            var step = 1
            if let slash = part.firstIndex(of: "/") {
                base = String(part[..<slash])
                guard let s = Int(part[part.index(after: slash)...]), s > 0 else { throw fail("step must be a positive integer") }
                step = s
            }
            let lower: Int
            var upper: Int
            if base == "*" || base == "?" {
                lower = range.lowerBound
                upper = name == "day-of-week" ? 6 : range.upperBound
            } else if let dash = base.firstIndex(of: "-") {
                lower = try value(String(base[..<dash]), names: names, fail: fail)
                upper = try value(String(base[base.index(after: dash)...]), names: names, fail: fail)
                guard lower <= upper else { throw fail("range start is after its end") }
            } else {
                lower = try value(base, names: names, fail: fail)
                upper = part.contains("/") ? range.upperBound : lower
            }
            guard range.contains(lower), range.contains(upper) else {
                throw fail("out of range \(range.lowerBound)-\(range.upperBound)")
            }
            if name == "day-of-week" && part.contains("/") && upper == 7 && lower != 7 { upper = 6 }
            values.formUnion(stride(from: lower, through: upper, by: step))
        }
        return values
    }

    private static func value(_ text: String, names: [String: Int], fail: (String) -> CronError) throws -> Int {
        if let n = Int(text) { return n }
        if let n = names[text.uppercased()] { return n }
        throw fail("not a number\(names.isEmpty ? "" : " or name")")
    }
}

/// A malformed cron expression.
public struct CronError: Error, Sendable, CustomStringConvertible {
    public var expression: String
    public var field: String
    public var message: String
    public var description: String { "invalid cron expression '\(expression)': \(field) field: \(message)" }
}
