import Foundation

/// Builds `--help` text from command declarations.
enum HelpFormatter {
    static func rootHelp(commands: [any CLICommand.Type]) -> String {
        var text = """
        shop-summary: AI summaries of shops from their reviews, with RAG few-shot examples from an
        embedded vector store. Runs offline with built-in defaults; see README.md.

        USAGE: shop-summary <command> [options]

        COMMANDS:

        """
        text += commandList(commands)
        text += "\nRun 'shop-summary <command> --help' for a command's options.\n"
        text += "Exit codes: 0 ok, 1 a step failed, 64 usage, 65 bad data or corrupt store, 66 missing input,\n"
        text += "69 remote service unavailable, 75 interrupted (re-run with the same --run-id resumes).\n"
        return text
    }

    static func groupHelp(prefix: [String], commands: [any CLICommand.Type]) -> String {
        "USAGE: shop-summary \(prefix.joined(separator: " ")) <subcommand> [options]\n\nSUBCOMMANDS:\n"
            + commandList(commands)
    }

    static func commandList(_ commands: [any CLICommand.Type]) -> String {
        let rows = commands.map { ($0.configuration.path.joined(separator: " "), $0.configuration.abstract) }
        let width = (rows.map { $0.0.count }.max() ?? 0) + 2
        return rows.map { "  " + $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + $0.1 }
            .joined(separator: "\n") + "\n"
    }

    static func commandHelp(_ configuration: CommandConfiguration) -> String {
        let path = configuration.path.joined(separator: " ")
        var usage = "USAGE: shop-summary \(path)"
        for spec in configuration.options where spec.isRequired { usage += " \(spec.synopsis)" }
        if configuration.options.contains(where: { !$0.isRequired }) { usage += " [options]" }
        for positional in configuration.positionals { usage += " <\(positional)>" }
        var text = "\(configuration.abstract)\n\n\(usage)\n"
        if !configuration.discussion.isEmpty { text += "\n\(configuration.discussion)\n" }
        text += "\nOPTIONS:\n"
        let all = configuration.options + [OptionSpec("--help", help: "Show this help.")]
        let width = (all.map { $0.synopsis.count }.max() ?? 0) + 2
        for spec in all {
            var line = "  " + spec.synopsis.padding(toLength: width, withPad: " ", startingAt: 0) + spec.help
            if let d = spec.defaultValue { line += " (default: \(d))" }
            if spec.isRequired { line += " (required)" }
            text += line + "\n"
        }
        return text
    }
}
