import Foundation

/// Run identifiers. The default run id is the batch's schedule slot, so an Airflow retry of the
/// same slot resumes the same ledger instead of starting over.
public enum RunID {
    /// The schedule's time zone (the DAG runs at 02:00 in Seoul).
    public static let scheduleTimeZone = TimeZone(identifier: "Asia/Seoul") ?? TimeZone(secondsFromGMT: 9 * 3600) ?? .current
    /// Days of the month the batch runs on.
    public static let scheduleDays = [1, 15]
    /// Hour of the run in ``scheduleTimeZone``.
    public static let scheduleHour = 2

    /// The most recent slot (1st or 15th, 02:00 Asia/Seoul) at or before `now`, as `YYYY-MM-DD`.
    public static func scheduleSlot(now: Date = Date(), timeZone: TimeZone = scheduleTimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let today = calendar.dateComponents([.year, .month], from: now)
        var candidates: [DateComponents] = []
        for monthOffset in [0, -1] {
            guard let monthStart = calendar.date(from: DateComponents(year: today.year, month: today.month, day: 1)),
                  let month = calendar.date(byAdding: .month, value: monthOffset, to: monthStart)
            else { continue }
            let parts = calendar.dateComponents([.year, .month], from: month)
            for day in scheduleDays {
                candidates.append(DateComponents(year: parts.year, month: parts.month, day: day, hour: scheduleHour))
            }
        }
        let slots = candidates.compactMap { calendar.date(from: $0) }.filter { $0 <= now }
        let slot = slots.max() ?? now
        let parts = calendar.dateComponents([.year, .month, .day], from: slot)
        return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }

    /// Checks that `id` is safe as a directory name: 1-64 of `A-Z a-z 0-9 . _ -`, not `.`/`..`.
    /// - Throws: ``PipelineError`` `.invalidArgument`.
    public static func validate(_ id: String) throws {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        guard (1...64).contains(id.count), id.allSatisfy({ allowed.contains($0) }), id != ".", id != ".." else {
            throw PipelineError(code: .invalidArgument,
                                message: "run id '\(id)' must be 1-64 characters of A-Z a-z 0-9 . _ - (e.g. 2026-12-01)")
        }
    }
}
