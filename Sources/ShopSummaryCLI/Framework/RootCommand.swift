import Foundation
import Observability

/// The `shop-summary` command tree: finds the command, parses, validates, runs, maps errors.
public enum RootCommand {
    /// Version printed by `--version`.
    public static let version = "0.1.0"

    /// Runs the command line and returns the exit code (never calls `exit`).
    public static func main(
        arguments: [String],
        environment: [String: String] = ProcessInfo.processInfo.environment,
        output: @escaping @Sendable (String) -> Void = { text in
            FileHandle.standardOutput.write(Data(text.utf8))
        },
        errorOutput: @escaping @Sendable (String) -> Void = { text in
            FileHandle.standardError.write(Data(text.utf8))
        },
        logHandler: (any LogHandler)? = nil
    ) async -> Int32 {
        let redactor = SecretRedactor(environment: environment)
        let errorOutput: @Sendable (String) -> Void = { errorOutput(redactor.redact($0)) }
        let commands = CommandRegistry.all
        if arguments.isEmpty || arguments == ["--help"] || arguments == ["-h"] || arguments == ["help"] {
            output(HelpFormatter.rootHelp(commands: commands))
            return arguments.isEmpty ? ExitCode.usage : ExitCode.success
        }
        if arguments == ["--version"] {
            output("shop-summary \(version)\n")
            return ExitCode.success
        }
        // Longest command path that prefixes the arguments.
        let match = commands
            .filter { Array(arguments.prefix($0.configuration.path.count)) == $0.configuration.path }
            .max { $0.configuration.path.count < $1.configuration.path.count }
        guard let command = match else {
            return groupHelpOrError(arguments: arguments, commands: commands, output: output, errorOutput: errorOutput)
        }
        var configuration = command.configuration
        configuration.options += GlobalOptions.specs
        let rest = Array(arguments.dropFirst(configuration.path.count))
        if rest.contains("--help") || rest.contains("-h") {
            output(HelpFormatter.commandHelp(configuration))
            return ExitCode.success
        }
        do {
            let parsed = try ParsedArguments(arguments: rest, configuration: configuration)
            var level = Logger.Level.info
            if let name = parsed.value("--log-level") {
                guard let parsedLevel = Logger.Level(name: name) else {
                    throw UsageError(command: configuration.path.joined(separator: " "),
                                     message: "unknown log level '\(name)'")
                }
                level = parsedLevel
            }
            let handler = RedactingLogHandler(wrapping: logHandler ?? StderrLogHandler(), redactor: redactor)
            let logger = Logger(label: "shop-summary", level: level, handler: handler)
            let instance = try command.init(arguments: parsed)
            let context = CommandContext(logger: logger, environment: environment, output: output)
            return try await instance.run(context)
        } catch let error as any CLIReportableError {
            errorOutput(error.cliMessage + "\n")
            return error.exitCode
        } catch {
            errorOutput("error: internal error: \(error)\n")
            return ExitCode.failure
        }
    }

    private static func groupHelpOrError(
        arguments: [String], commands: [any CLICommand.Type],
        output: @Sendable (String) -> Void, errorOutput: @Sendable (String) -> Void
    ) -> Int32 {
        let words = arguments.prefix { !$0.hasPrefix("-") }
        // `shop-summary db` or `shop-summary db --help`: list the group's commands.
        for length in stride(from: words.count, through: 1, by: -1) {
            let prefix = Array(words.prefix(length))
            let group = commands.filter { $0.configuration.path.starts(with: prefix) }
            if !group.isEmpty {
                let wantsHelp = arguments.contains("--help") || arguments.contains("-h")
                if wantsHelp && length == words.count {
                    output(HelpFormatter.groupHelp(prefix: prefix, commands: group))
                    return ExitCode.success
                }
                let unknown = words.count > length ? " '\(words[length])'" : ""
                errorOutput("error: unknown or incomplete command '\(arguments.prefix(length + 1).joined(separator: " "))'\n"
                    + "hint: 'shop-summary \(prefix.joined(separator: " ")) --help' lists the subcommands\(unknown.isEmpty ? "" : "")\n")
                return ExitCode.usage
            }
        }
        errorOutput("error: unknown command '\(arguments[0])'\nhint: see 'shop-summary --help'\n")
        return ExitCode.usage
    }
}
