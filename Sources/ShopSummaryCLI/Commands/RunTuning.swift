import Pipeline

/// The batch tuning options that `run` and `generate` share, parsed and range-checked once.
struct RunTuning: Sendable {
    let concurrency: Int
    let grace: Double
    let topK: Int
    let maxFailureRatio: Double

    init(_ arguments: ParsedArguments) throws {
        concurrency = try arguments.int("--concurrency", in: 1...256) ?? 8
        grace = try arguments.double("--grace-seconds", in: 0...3600) ?? 20
        topK = try arguments.int("--top-k", in: 1...20) ?? 3
        maxFailureRatio = try arguments.double("--max-failure-ratio", in: 0...1) ?? 0.1
    }

    /// A runner configuration with these settings.
    var configuration: BatchRunner.Configuration {
        var configuration = BatchRunner.Configuration()
        configuration.concurrency = concurrency
        configuration.graceSeconds = grace
        configuration.topK = topK
        return configuration
    }
}
