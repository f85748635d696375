import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Set by the SIGTERM/SIGINT handler; polled by the batch loop. The only global state in the
/// project (PLATFORM-NOTES: a `sigaction` handler storing into an atomic works where a
/// `DispatchSource` does not).
private let shutdownRequestedFlag = Atomic<Bool>(false)

/// Graceful shutdown on SIGTERM (Kubernetes eviction) and SIGINT (Ctrl-C).
public enum ShutdownSignal {
    /// Installs the handlers. A second signal while already stopping exits at once with 130.
    public static func install() {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in
            if shutdownRequestedFlag.exchange(true, ordering: .sequentiallyConsistent) {
                _exit(130)  // async-signal-safe: the operator insisted
            }
        }
        sigemptyset(&action.sa_mask)
        action.sa_flags = SA_RESTART
        sigaction(SIGTERM, &action, nil)
        sigaction(SIGINT, &action, nil)
    }

    /// Whether a stop was requested.
    public static var isRequested: Bool { shutdownRequestedFlag.load(ordering: .sequentiallyConsistent) }

    /// Requests a stop as if a signal had arrived (tests, orchestrator).
    public static func request() { shutdownRequestedFlag.store(true, ordering: .sequentiallyConsistent) }
}
