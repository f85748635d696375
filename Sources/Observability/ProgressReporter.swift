import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Progress of long work: a redrawn bar with rate and ETA on a terminal (stderr), or a
/// `progress` log line at a fixed interval otherwise. The interval line doubles as the
/// heartbeat that keeps Kubernetes log streaming alive (at least every 30 s, even when stuck).
public final class ProgressReporter: Sendable {
    /// Presentation settings.
    public struct Configuration: Sendable {
        /// Draw a bar (true on a TTY) or write log lines.
        public var interactive: Bool
        /// Use ANSI colours (only when interactive and `NO_COLOR` is unset).
        public var colors: Bool
        /// Seconds between log lines when not interactive (≤ 30 keeps pods' logs alive).
        public var lineInterval: TimeInterval
        /// Seconds between redraws when interactive.
        public var redrawInterval: TimeInterval

        public init(interactive: Bool, colors: Bool, lineInterval: TimeInterval = 15, redrawInterval: TimeInterval = 0.25) {
            self.interactive = interactive
            self.colors = colors
            self.lineInterval = min(lineInterval, 30)
            self.redrawInterval = redrawInterval
        }

        /// Detects the terminal and `NO_COLOR` from the environment.
        public static func detect(environment: [String: String] = ProcessInfo.processInfo.environment) -> Configuration {
            let tty = isatty(STDERR_FILENO) == 1 && environment["TERM"] != "dumb"
            return Configuration(interactive: tty, colors: tty && environment["NO_COLOR"] == nil)
        }
    }

    struct State: Sendable {
        var done = 0
        var failed = 0
        var lastEmit: Date
        var finished = false
    }

    /// What is being counted, e.g. `waiting_hotplace`.
    public let label: String
    /// Units expected in total.
    public let total: Int
    private let configuration: Configuration
    private let logger: Logger
    private let started: Date
    private let state: Mutex<State>
    private let write: @Sendable (String) -> Void

    /// Creates a reporter; call ``run()`` in a child task and ``finish()`` at the end.
    public init(label: String, total: Int, configuration: Configuration, logger: Logger,
                now: Date = Date(),
                write: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }) {
        self.label = label
        self.total = max(0, total)
        self.configuration = configuration
        self.logger = logger
        self.started = now
        self.state = Mutex(State(lastEmit: now))
        self.write = write
    }

    /// Records finished units.
    public func advance(succeeded: Int = 1, failed: Int = 0) {
        state.withLock {
            $0.done += succeeded + failed
            $0.failed += failed
        }
    }

    /// Emits a bar or line if the interval has passed (called by ``run()``; public for tests).
    public func tick(now: Date = Date()) {
        let due: State? = state.withLock { s in
            let interval = configuration.interactive ? configuration.redrawInterval : configuration.lineInterval
            guard !s.finished, now.timeIntervalSince(s.lastEmit) >= interval else { return nil }
            s.lastEmit = now
            return s
        }
        guard let snapshot = due else { return }
        emit(snapshot, now: now)
    }

    /// Ticks until the task is cancelled or ``finish()`` is called.
    public func run() async {
        let step = configuration.interactive ? configuration.redrawInterval : 1
        while !Task.isCancelled {
            if state.withLock({ $0.finished }) { return }
            try? await Task.sleep(for: .milliseconds(Int(step * 1000)))
            tick()
        }
    }

    /// Writes the final line (bar completed, or a summary log line).
    public func finish(now: Date = Date()) {
        let snapshot: State? = state.withLock { s in
            guard !s.finished else { return nil }
            s.finished = true
            return s
        }
        guard let snapshot else { return }
        emit(snapshot, now: now)
        if configuration.interactive { write("\n") }
    }

    /// One bar line: `label [#####.....] 120/2000 6% 4.1/s ETA 7m38s (2 failed)`.
    public func barLine(_ s: (done: Int, failed: Int), now: Date, width: Int = 28) -> String {
        let fraction = total == 0 ? 1 : min(1, Double(s.done) / Double(total))
        let filled = Int((fraction * Double(width)).rounded(.down))
        var bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        if configuration.colors { bar = "\u{1B}[32m" + bar + "\u{1B}[0m" }
        let rate = self.rate(done: s.done, now: now)
        var line = "\(label) [\(bar)] \(s.done)/\(total) \(Int(fraction * 100))% \(String(format: "%.1f", rate))/s"
        if let eta = eta(done: s.done, rate: rate) { line += " ETA \(Self.duration(eta))" }
        if s.failed > 0 { line += " (\(s.failed) failed)" }
        return line
    }

    private func emit(_ s: State, now: Date) {
        if configuration.interactive {
            write("\r\u{1B}[2K" + barLine((s.done, s.failed), now: now))
        } else {
            let rate = self.rate(done: s.done, now: now)
            var meta: Logger.Metadata = [
                "progress.label": .string(label), "progress.done": .int(s.done), "progress.total": .int(total),
                "progress.failed": .int(s.failed), "progress.rate_per_s": .double((rate * 100).rounded() / 100),
                "elapsed_ms": .int(Int(now.timeIntervalSince(started) * 1000)),
            ]
            if let eta = eta(done: s.done, rate: rate) { meta["progress.eta_s"] = .int(Int(eta)) }
            logger.info(s.finished ? "progress.finished" : "progress", meta)
        }
    }

    private func rate(done: Int, now: Date) -> Double {
        let elapsed = now.timeIntervalSince(started)
        return elapsed > 0 ? Double(done) / elapsed : 0
    }

    private func eta(done: Int, rate: Double) -> TimeInterval? {
        guard rate > 0, done < total else { return nil }
        return Double(total - done) / rate
    }

    static func duration(_ seconds: TimeInterval) -> String {
        let s = Int(seconds.rounded())
        if s >= 3600 { return "\(s / 3600)h\(s % 3600 / 60)m" }
        if s >= 60 { return "\(s / 60)m\(s % 60)s" }
        return "\(s)s"
    }
}
