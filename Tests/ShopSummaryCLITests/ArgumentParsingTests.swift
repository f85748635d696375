import Testing
@testable import ShopSummaryCLI

@Suite("Argument parsing")
struct ArgumentParsingTests {
    static let configuration = CommandConfiguration(
        path: ["demo"], abstract: "Demo.",
        options: [
            OptionSpec("--input", .value(placeholder: "FILE"), help: "Input.", required: true),
            OptionSpec("--k", .value(placeholder: "N"), help: "Top k.", default: "5"),
            OptionSpec("--json", help: "JSON output."),
            OptionSpec("--filter", .repeated(placeholder: "EXPR"), help: "Filters."),
        ])

    @Test func parsesValuesFlagsAndDefaults() throws {
        let parsed = try ParsedArguments(arguments: ["--input", "a.jsonl", "--json", "--filter=x", "--filter", "y"],
                                         configuration: Self.configuration)
        #expect(parsed.value("--input") == "a.jsonl")
        #expect(parsed.flag("--json"))
        #expect(try parsed.int("--k") == 5)
        #expect(parsed.values("--filter") == ["x", "y"])
    }

    @Test func unknownOptionIsUsageErrorWithSuggestion() {
        #expect {
            try ParsedArguments(arguments: ["--input", "a", "--jsno"], configuration: Self.configuration)
        } throws: { error in
            guard let usage = error as? UsageError else { return false }
            return usage.message.contains("--jsno") && usage.message.contains("--json") && usage.exitCode == 64
        }
    }

    @Test func missingValueAndMissingRequired() {
        #expect(throws: UsageError.self) {
            try ParsedArguments(arguments: ["--input"], configuration: Self.configuration)
        }
        #expect(throws: UsageError.self) {
            try ParsedArguments(arguments: ["--json"], configuration: Self.configuration)
        }
    }

    @Test func badIntegerAndRepeatedSingleOption() throws {
        let parsed = try ParsedArguments(arguments: ["--input", "a", "--k", "x"], configuration: Self.configuration)
        #expect(throws: UsageError.self) { try parsed.int("--k") }
        #expect(throws: UsageError.self) {
            try ParsedArguments(arguments: ["--input", "a", "--input", "b"], configuration: Self.configuration)
        }
    }

    @Test func rootReportsUnknownCommandAndFlagWithUsageCode() async {
        let sink = OutputSink()
        #expect(await RootCommand.main(arguments: ["frobnicate"], output: sink.append, errorOutput: sink.append) == 64)
        #expect(await RootCommand.main(arguments: ["version", "--bogus"], output: sink.append, errorOutput: sink.append) == 64)
        #expect(sink.text.contains("unknown option '--bogus'"))
        #expect(await RootCommand.main(arguments: ["version"], output: sink.append, errorOutput: sink.append) == 0)
        #expect(sink.text.contains(RootCommand.version))
    }
}
