import Foundation
import Testing
@testable import Pipeline

@Suite("Cron expressions")
struct CronExpressionTests {
    static func utc(_ text: String) -> Date {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        guard let date = formatter.date(from: text) else { preconditionFailure("bad fixture \(text)") }
        return date
    }

    static func next(_ expr: String, after: String, tz: String = "UTC", count: Int = 1) throws -> [String] {
        let cron = try CronExpression(expr)
        guard let zone = TimeZone(identifier: tz) else { preconditionFailure("bad zone \(tz)") }
        let formatter = ISO8601DateFormatter()
        return cron.nextDates(after: utc(after), count: count, in: zone).map { formatter.string(from: $0) }
    }

    /// Known answers, worked out by hand from calendars (2026-12-03 is a Thursday).
    @Test(arguments: [
        // The batch schedule in Seoul (UTC+9): 1st and 15th at 02:00 KST.
        ("0 2 1,15 * *", "2026-12-03T00:00:00Z", "Asia/Seoul",
         ["2026-12-14T17:00:00Z", "2026-12-31T17:00:00Z", "2027-01-14T17:00:00Z"]),
        // Half-hour offset zone.
        ("0 2 1,15 * *", "2026-12-03T00:00:00Z", "Asia/Kolkata", ["2026-12-14T20:30:00Z"]),
        // Leap day: next 29 February is in 2028.
        ("0 0 29 2 *", "2026-01-01T00:00:00Z", "UTC", ["2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z"]),
        // Month end: April has no 31st.
        ("0 0 31 * *", "2026-04-01T00:00:00Z", "UTC", ["2026-05-31T00:00:00Z", "2026-07-31T00:00:00Z"]),
        // Steps.
        ("*/15 * * * *", "2026-12-03T13:07:00Z", "UTC",
         ["2026-12-03T13:15:00Z", "2026-12-03T13:30:00Z", "2026-12-03T13:45:00Z"]),
        // Weekday range with names, over a weekend.
        ("0 9 * * MON-FRI", "2026-12-04T10:00:00Z", "UTC", ["2026-12-07T09:00:00Z"]),
        // Year rollover.
        ("0 0 1 1 *", "2026-12-31T23:59:00Z", "UTC", ["2027-01-01T00:00:00Z"]),
        // Day-of-month OR day-of-week (Vixie semantics): Fridays and the 13th.
        ("0 12 13 * FRI", "2026-12-01T00:00:00Z", "UTC",
         ["2026-12-04T12:00:00Z", "2026-12-11T12:00:00Z", "2026-12-13T12:00:00Z", "2026-12-18T12:00:00Z"]),
        // Sunday as 7 and month names.
        ("5 4 * JAN,JUL 7", "2026-12-03T00:00:00Z", "UTC", ["2027-01-03T04:05:00Z", "2027-01-10T04:05:00Z"]),
        // Stepped weekday range: Mon, Wed, Fri.
        ("0 22 * * 1-5/2", "2026-12-03T00:00:00Z", "UTC",
         ["2026-12-04T22:00:00Z", "2026-12-07T22:00:00Z", "2026-12-09T22:00:00Z"]),
        // DST gap: 02:30 does not exist in New York on 2027-03-14, so that day is skipped.
        ("30 2 * * *", "2027-03-13T12:00:00Z", "America/New_York",
         ["2027-03-15T06:30:00Z", "2027-03-16T06:30:00Z"]),
        // DST overlap: 01:30 happens twice on 2026-11-01 in New York; it fires once.
        ("30 1 * * *", "2026-11-01T04:00:00Z", "America/New_York",
         ["2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z"]),
        // Lists of ranges.
        ("0 8-10,20 * * *", "2026-12-03T09:30:00Z", "UTC",
         ["2026-12-03T10:00:00Z", "2026-12-03T20:00:00Z", "2026-12-04T08:00:00Z"]),
    ])
    func knownAnswers(expr: String, after: String, tz: String, expected: [String]) throws {
        #expect(try Self.next(expr, after: after, tz: tz, count: expected.count) == expected)
    }

    @Test func impossibleDateHasNoNextTime() throws {
        #expect(try Self.next("0 0 30 2 *", after: "2026-01-01T00:00:00Z").isEmpty)
    }

    @Test(arguments: [
        ("61 * * * *", "minute"),
        ("* 24 * * *", "hour"),
        ("0 0 0 * *", "day-of-month"),
        ("0 0 1 13 *", "month"),
        ("0 0 * * FUNDAY", "day-of-week"),
        ("0 0 * *", "expression"),
        ("*/0 * * * *", "minute"),
        ("5-1 * * * *", "minute"),
    ])
    func invalidExpressionsNameTheField(expr: String, field: String) {
        #expect {
            try CronExpression(expr)
        } throws: { error in
            guard let cron = error as? CronError else { return false }
            return cron.field == field && cron.description.contains(expr)
        }
    }
}
