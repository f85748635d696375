import Foundation
import Pipeline

/// `shop-summary schedule`: prints the next fire times of a cron expression.
struct ScheduleCommand: CLICommand {
    static let configuration = CommandConfiguration(
        path: ["schedule"],
        abstract: "Print the next run times of a cron schedule.",
        discussion: """
        Standard five-field cron (minute hour day-of-month month day-of-week) with lists, ranges,
        steps and names. When day-of-month and day-of-week are both restricted, either matches.
        Wall-clock times that do not exist in the zone (DST gaps) are skipped.
        """,
        options: [
            OptionSpec("--cron", .value(placeholder: "EXPR"), help: "Cron expression.", default: "0 2 1,15 * *"),
            OptionSpec("--tz", .value(placeholder: "ZONE"), help: "IANA time zone.", default: "Asia/Seoul"),
            OptionSpec("--count", .value(placeholder: "N"), help: "How many times to print.", default: "5"),
            OptionSpec("--after", .value(placeholder: "ISO8601"), help: "Start instant (default: now)."),
            OptionSpec("--json", help: "Print a JSON array of ISO 8601 UTC instants."),
        ])

    let cron: CronExpression
    let zone: TimeZone
    let count: Int
    let after: Date
    let json: Bool

    init(arguments: ParsedArguments) throws {
        let command = "schedule"
        let text = try arguments.require("--cron")
        do {
            cron = try CronExpression(text)
        } catch let error as CronError {
            throw UsageError(command: command, message: error.description)
        }
        let zoneName = try arguments.require("--tz")
        guard let zone = TimeZone(identifier: zoneName) else {
            throw UsageError(command: command, message: "unknown time zone '\(zoneName)' (use an IANA name such as Asia/Seoul)")
        }
        self.zone = zone
        count = try arguments.int("--count", in: 1...1000) ?? 5
        if let afterText = arguments.value("--after") {
            let formatter = ISO8601DateFormatter()
            guard let date = formatter.date(from: afterText) else {
                throw UsageError(command: command, message: "--after expects an ISO 8601 instant like 2026-12-01T00:00:00Z, got '\(afterText)'")
            }
            after = date
        } else {
            after = Date()
        }
        json = arguments.flag("--json")
    }

    func run(_ context: CommandContext) async throws -> Int32 {
        let dates = cron.nextDates(after: after, count: count, in: zone)
        if dates.isEmpty {
            context.print("'\(cron)' never fires (no matching date within 8 years)")
            return ExitCode.failure
        }
        let utc = ISO8601DateFormatter()
        if json {
            context.print("[" + dates.map { "\"\(utc.string(from: $0))\"" }.joined(separator: ",") + "]")
            return ExitCode.success
        }
        let local = DateFormatter()
        local.timeZone = zone
        local.locale = Locale(identifier: "en_US_POSIX")
        local.dateFormat = "yyyy-MM-dd HH:mm EEE zzz"
        for date in dates {
            context.print("\(local.string(from: date))  (\(utc.string(from: date)))")
        }
        return ExitCode.success
    }
}
