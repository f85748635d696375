import Foundation

/// A wall-clock minute (no time zone) with calendar arithmetic for cron iteration.
struct WallClock: Hashable {
    var year: Int
    var month: Int
    var day: Int
    var hour: Int
    var minute: Int

    init?(_ c: DateComponents) {
        guard let y = c.year, let mo = c.month, let d = c.day, let h = c.hour, let mi = c.minute else { return nil }
        year = y; month = mo; day = d; hour = h; minute = mi
    }

    var components: DateComponents {
        DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: 0)
    }

    /// 0 = Sunday … 6 = Saturday (Sakamoto's method, proleptic Gregorian).
    var weekday: Int {
        let offsets = [0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4]
        let y = month < 3 ? year - 1 : year
        return (y + y / 4 - y / 100 + y / 400 + offsets[month - 1] + day) % 7
    }

    static func isLeap(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

    static func daysIn(year: Int, month: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    mutating func nextMonth() {
        month += 1
        if month > 12 { month = 1; year += 1 }
        day = 1; hour = 0; minute = 0
    }

    mutating func nextDay() {
        day += 1
        if day > Self.daysIn(year: year, month: month) { nextMonth() } else { hour = 0; minute = 0 }
    }

    mutating func nextHour() {
        hour += 1
        if hour > 23 { nextDay() } else { minute = 0 }
    }

    mutating func addMinute() {
        minute += 1
        if minute > 59 { nextHour() }
    }
}
