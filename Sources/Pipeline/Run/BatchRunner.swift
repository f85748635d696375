import Foundation
import Observability
import Providers

/// Runs one category (or shard) of a batch: for each shop not yet done in the ledger, query text →
/// ``Embedder`` → ``ExampleRetriever`` → ``PromptStage`` → ``Generator`` → ledger; then rebuilds the
/// output file from the ledger. Bounded concurrency with a sliding window; a stop request
/// (SIGTERM) stops new shops and lets in-flight ones finish within the grace period.
public struct BatchRunner: Sendable {
    /// Tunables, all with defaults.
    public struct Configuration: Sendable {
        /// Shops in flight at once.
        public var concurrency: Int = 8
        /// Examples retrieved per shop.
        public var topK: Int = 3
        /// Seconds in-flight shops get after a stop request before they are abandoned.
        public var graceSeconds: Double = 20
        /// Ledger fsync batch size.
        public var ledgerSyncEvery: Int = 16
        /// How often the loop checks for a stop request.
        public var pollInterval: Duration = .milliseconds(100)
        /// Progress bar on a terminal, else a `progress` log line (the heartbeat) every ≤ 30 s.
        public var progress: ProgressReporter.Configuration = .detect()
        public init() {}
    }

    public var embedder: any Embedder
    public var generator: any Generator
    public var retriever: any ExampleRetriever
    public var prompts: PromptStage
    public var configuration: Configuration
    public var logger: Logger
    /// Polled for a stop request; defaults to ``ShutdownSignal/isRequested``.
    public var shouldStop: @Sendable () -> Bool

    public init(embedder: any Embedder, generator: any Generator, retriever: any ExampleRetriever,
                prompts: PromptStage, configuration: Configuration = .init(), logger: Logger = .disabled(),
                shouldStop: @escaping @Sendable () -> Bool = { ShutdownSignal.isRequested }) {
        self.embedder = embedder
        self.generator = generator
        self.retriever = retriever
        self.prompts = prompts
        self.configuration = configuration
        self.logger = logger
        self.shouldStop = shouldStop
    }

    /// One unit of work.
    struct WorkItem: Sendable {
        var shop: Shop
        var decision: CategoryRules.Decision
        var inputHash: String
    }

    enum Event: Sendable {
        /// A row, and whether the embedder / generator were called for it.
        case finished(OutputRow, embedded: Bool, generations: Int)
        case abandoned(String)
        case tick
    }

    /// Processes `shops` (already filtered to `category` and `shard`) under `layout`.
    /// - Returns: the category report (also written to `layout.categoryReport`).
    /// - Throws: ``PipelineError`` for ledger/output failures (shop failures become rows).
    public func run(shops: [Shop], decisions: [String: CategoryRules.Decision], category: ShopCategory,
                    shard: ShardSpec = .all, layout: RunLayout) async throws -> CategoryReport {
        let started = Date()
        let clock = ContinuousClock()
        let startInstant = clock.now
        try layout.createDirectories()
        let ledger = try RunLedger(url: layout.ledger(category, shard: shard), syncEvery: configuration.ledgerSyncEvery)
        let promptVersion = prompts.version(category)
        let log = logger.with(["run.id": .string(layout.runID), "category": .string(category.rawValue),
                               "shard": .string(shard.description)])
        if ledger.tornBytesDropped > 0 {
            log.warning("ledger.torn_line_dropped", ["ledger.bytes": .int(ledger.tornBytesDropped)])
        }
        var pending: [WorkItem] = []
        var resumed = 0
        for shop in shops {
            let decision = decisions[shop.id] ?? CategoryRules.Decision(category: category, source: "explicit")
            let hash = PreparedInput.inputHash(shop, category: category)
            if ledger.completed(shopID: shop.id, inputHash: hash, promptVersion: promptVersion) != nil {
                resumed += 1
            } else {
                pending.append(WorkItem(shop: shop, decision: decision, inputHash: hash))
            }
        }
        log.info("category.started", ["shops.selected": .int(shops.count), "shops.resumed": .int(resumed),
                                      "shops.pending": .int(pending.count)])
        let progress = ProgressReporter(label: shard.count > 1 ? "\(category.rawValue) \(shard)" : category.rawValue,
                                        total: pending.count, configuration: configuration.progress, logger: log)
        let loop = try await drive(pending, ledger: ledger, promptVersion: promptVersion, log: log, progress: progress)
        progress.finish()
        try ledger.close()
        let outputURL = layout.output(category, shard: shard)
        let counts = try OutputFile.rebuild(at: outputURL, shops: shops, ledger: ledger, category: category,
                                            promptVersion: promptVersion)
        let finished = Date()
        let report = CategoryReport(
            runID: layout.runID, category: category.rawValue, shard: shard.description,
            startedAt: started.ISO8601Format(), finishedAt: finished.ISO8601Format(),
            durationSeconds: (clock.now - startInstant).seconds, selected: shops.count, ok: counts.ok,
            failed: counts.failed, resumed: resumed, processed: loop.rows.count,
            notStarted: loop.notStarted, abandoned: loop.abandoned, interrupted: loop.stopped,
            embeddingCalls: loop.embeddingCalls, generationCalls: loop.generationCalls,
            failures: counts.failures, embedder: embedder.descriptor.description,
            generator: "\(generator.descriptor.provider)/\(generator.descriptor.model)", promptVersion: promptVersion,
            tokens: loop.rows.reduce(TokenUsage()) { $0 + $1.usage },
            latency: CategoryReport.latency(of: loop.rows.map(\.durationMS)),
            ledgerTornBytesDropped: ledger.tornBytesDropped, ledgerUnreadableLines: ledger.unreadableLines,
            output: outputURL.path)
        try DurableFile.publish(try report.jsonDataForFile(), to: layout.categoryReport(category, shard: shard))
        log.info(loop.stopped ? "category.interrupted" : "category.finished",
                 ["shops.ok": .int(counts.ok), "shops.failed": .int(counts.failed),
                  "shops.not_started": .int(loop.notStarted), "duration_ms": .int(Int(report.durationSeconds * 1000))])
        return report
    }

    struct LoopResult {
        var rows: [OutputRow] = []
        var stopped = false
        var notStarted = 0
        var abandoned = 0
        var embeddingCalls = 0
        var generationCalls = 0
    }

    /// The sliding window: at most `concurrency` shops in flight, a tick every `pollInterval` to
    /// notice stop requests, ledger appends on the driving task only.
    private func drive(_ pending: [WorkItem], ledger: RunLedger, promptVersion: String, log: Logger,
                       progress: ProgressReporter) async throws
        -> LoopResult
    {
        var result = LoopResult()
        let clock = ContinuousClock()
        var next = 0
        var inFlight = 0
        var stopAt: ContinuousClock.Instant?
        var cancelled = false
        let poll = configuration.pollInterval
        let limit = max(1, configuration.concurrency)
        try await withThrowingTaskGroup(of: Event.self) { group in
            func startMore() {
                while inFlight < limit, next < pending.count {
                    let item = pending[next]
                    next += 1
                    inFlight += 1
                    group.addTask { await self.process(item, promptVersion: promptVersion) }
                }
            }
            if shouldStop() { stopAt = clock.now } else { startMore() }
            var tickPending = inFlight > 0
            if tickPending { group.addTask { try? await Task.sleep(for: poll); return .tick } }
            while let event = try await group.next() {
                progress.tick()
                switch event {
                case .tick:
                    tickPending = false
                case .finished(let row, let embedded, let generations):
                    inFlight -= 1
                    result.rows.append(row)
                    if embedded { result.embeddingCalls += 1 }
                    result.generationCalls += generations
                    try ledger.append(row)
                    progress.advance(succeeded: row.status == .ok ? 1 : 0, failed: row.status == .ok ? 0 : 1)
                    log.debug("shop.done", ["shop.id": .string(row.shopID), "status": .string(row.status.rawValue),
                                            "duration_ms": .int(row.durationMS)])
                case .abandoned(let id):
                    inFlight -= 1
                    result.abandoned += 1
                    log.warning("shop.abandoned", ["shop.id": .string(id)])
                }
                if stopAt == nil, shouldStop() {
                    stopAt = clock.now
                    log.notice("shutdown.requested", ["shops.in_flight": .int(inFlight),
                                                      "grace_seconds": .double(configuration.graceSeconds)])
                    try ledger.sync()
                }
                if let stopAt {
                    if !cancelled, inFlight > 0, (clock.now - stopAt).seconds >= configuration.graceSeconds {
                        log.warning("shutdown.grace_expired", ["shops.in_flight": .int(inFlight)])
                        cancelled = true
                        group.cancelAll()
                    }
                } else {
                    startMore()
                }
                if inFlight == 0 {
                    group.cancelAll()  // ends the pending tick
                } else if !tickPending, !cancelled {
                    tickPending = true
                    group.addTask { try? await Task.sleep(for: poll); return .tick }
                }
            }
        }
        result.stopped = stopAt != nil
        result.notStarted = pending.count - next
        return result
    }

    /// One shop, never throwing: failures become failed rows, cancellation an abandoned event.
    private func process(_ item: WorkItem, promptVersion: String) async -> Event {
        let clock = ContinuousClock()
        let start = clock.now
        let shop = item.shop
        let category = item.decision.category
        var row = OutputRow(shopID: shop.id, name: shop.name, category: category.rawValue,
                            categorySource: item.decision.source, status: .failed,
                            provider: generator.descriptor.provider, model: generator.descriptor.model,
                            embedder: embedder.descriptor.description, promptVersion: promptVersion,
                            inputHash: item.inputHash, createdAt: "")
        var stage = "embedding"
        var embedded = false
        var generations = 0
        do {
            let query = ExampleText.query(shop)
            embedded = true
            let vectors = try await embedder.embed([query], task: .retrievalQuery)
            guard let vector = vectors.first else {
                throw PipelineError(code: .internalError, message: "embedder returned no vector")
            }
            stage = "retrieval"
            let examples = try await retriever.examples(for: category, queryVector: vector, queryText: query,
                                                        k: configuration.topK)
            stage = "generation"
            let request = prompts.build(shop, category, examples)
            row.exampleIDs = examples.map(\.id)
            row.prompt = request.systemInstruction + "\n\n" + request.prompt
            generations = 1
            let outcome = try await GuardedGeneration(generator: generator)
                .run(request, shop: shop, category: category, examples: examples)
            generations = outcome.attempts
            row.usage = outcome.usage
            row.violations = outcome.firstViolations.map(\.description)
            if let result = outcome.result {
                row.status = .ok
                row.summary = result.output.summary
                row.highlights = result.output.highlights
                row.keywords = result.output.keywords
                row.model = result.model.isEmpty ? row.model : result.model
            } else {
                row.status = .failed
                row.error = "validation failed after \(outcome.attempts) attempts: \(outcome.failureReason)"
                row.violations = outcome.violations.map(\.description)
            }
        } catch {
            if Task.isCancelled || error is CancellationError { return .abandoned(shop.id) }
            row.status = .failed
            row.error = "\(stage) failed: \(Self.describe(error))"
        }
        row.createdAt = Date().ISO8601Format()
        row.durationMS = Int((clock.now - start).seconds * 1000)
        return .finished(row, embedded: embedded, generations: generations)
    }

    static func describe(_ error: any Error) -> String {
        String(String(describing: error).prefix(500))
    }
}

extension Duration {
    /// The duration in seconds as a `Double`.
    var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}

extension CategoryReport {
    func jsonDataForFile() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}
