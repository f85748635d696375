import Synchronization

/// Collects what a command prints (tests).
final class OutputSink: Sendable {
    private let storage = Mutex("")
    var text: String { storage.withLock { $0 } }
    var append: @Sendable (String) -> Void { { [self] s in storage.withLock { $0 += s } } }
}
