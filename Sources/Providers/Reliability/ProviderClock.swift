import Foundation
import Synchronization

/// Time source and sleeper, injected so tests can assert waits without sleeping.
public protocol ProviderClock: Sendable {
    /// Monotonic seconds.
    func now() -> Double
    /// Suspends for `seconds`.
    /// - Throws: `CancellationError` when the task is cancelled.
    func sleep(seconds: Double) async throws
}

/// The real clock: `ContinuousClock` and `Task.sleep`.
public struct SystemProviderClock: ProviderClock {
    private let origin = ContinuousClock.now

    /// Creates the clock.
    public init() {}

    public func now() -> Double {
        let d = ContinuousClock.now - origin
        return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    public func sleep(seconds: Double) async throws {
        guard seconds > 0 else { return }
        try await Task.sleep(nanoseconds: UInt64(seconds * 1e9))
    }
}

/// A virtual clock for tests: `sleep` returns at once, advances `now` and records the wait.
public final class ManualProviderClock: ProviderClock {
    private let state = Mutex<(now: Double, sleeps: [Double])>((0, []))

    /// Creates a clock at time 0.
    public init() {}

    /// Every wait requested so far, in order.
    public var sleeps: [Double] { state.withLock { $0.sleeps } }

    /// Moves time forward without recording a sleep.
    public func advance(by seconds: Double) { state.withLock { $0.now += seconds } }

    public func now() -> Double { state.withLock { $0.now } }

    public func sleep(seconds: Double) async throws {
        try Task.checkCancellation()
        state.withLock {
            $0.sleeps.append(seconds)
            $0.now += max(0, seconds)
        }
    }
}

/// Uniform random numbers in [0, 1), injected for jitter.
public protocol RandomSource: Sendable {
    /// The next value in [0, 1).
    func nextUnit() -> Double
}

/// The system generator.
public struct SystemRandomSource: RandomSource {
    /// Creates the source.
    public init() {}
    public func nextUnit() -> Double { Double.random(in: 0..<1) }
}

/// A deterministic SplitMix64 generator for tests and benchmarks.
public final class SeededRandomSource: RandomSource {
    private let state: Mutex<UInt64>

    /// Creates a generator from `seed`.
    public init(seed: UInt64) { state = Mutex(seed) }

    public func nextUnit() -> Double {
        let value = state.withLock { s -> UInt64 in
            s &+= 0x9E37_79B9_7F4A_7C15
            var z = s
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        return Double(value >> 11) / Double(1 << 53)
    }
}

/// A fixed value, for tests asserting exact waits.
public struct ConstantRandomSource: RandomSource {
    /// The value returned every time, in [0, 1).
    public var value: Double
    /// Creates the source.
    public init(_ value: Double) { self.value = value }
    public func nextUnit() -> Double { value }
}
