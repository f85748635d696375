import Foundation
import Observability

/// Tries providers in order and caches the first credentials found, refreshing them
/// `refreshMargin` before they expire (one refresh at a time; concurrent callers share it).
///
/// If a refresh fails while the cached credentials are still valid, the cached ones are used and
/// the failure is logged (without secrets).
public actor CredentialChain: CredentialProvider {
    private let providers: [any CredentialProvider]
    private let refreshMargin: TimeInterval
    private let now: @Sendable () -> Date
    private let logger: Logger
    private var cached: AWSCredentials?
    private var inFlight: Task<AWSCredentials?, any Error>?

    /// Creates a chain.
    /// - Parameters:
    ///   - providers: tried in order; the first non-nil answer wins, a thrown error stops the chain.
    ///   - refreshMargin: refresh when expiry is closer than this (default 5 minutes).
    public init(providers: [any CredentialProvider], refreshMargin: TimeInterval = 300,
                logger: Logger = .disabled(), now: @escaping @Sendable () -> Date = { Date() }) {
        self.providers = providers
        self.refreshMargin = refreshMargin
        self.logger = logger
        self.now = now
    }

    /// The standard order: environment, web identity (IRSA), shared files, container endpoint.
    public static func standard(environment: [String: String] = ProcessInfo.processInfo.environment,
                                transport: any HTTPTransport = URLSessionTransport.shared,
                                logger: Logger = .disabled()) -> CredentialChain {
        CredentialChain(providers: [
            EnvironmentCredentialProvider(environment: environment),
            WebIdentityCredentialProvider(environment: environment, transport: transport),
            SharedFileCredentialProvider(environment: environment),
            ContainerCredentialProvider(environment: environment, transport: transport),
        ], logger: logger)
    }

    public nonisolated var name: String { "environment, web-identity, shared-files, container" }

    public func resolve() async throws -> AWSCredentials? {
        if let cached, !cached.expires(within: refreshMargin, of: now()) { return cached }
        if let inFlight { return try await inFlight.value }
        let providers = self.providers
        let task = Task<AWSCredentials?, any Error> {
            for provider in providers {
                if let found = try await provider.resolve() { return found }
            }
            return nil
        }
        inFlight = task
        defer { inFlight = nil }
        do {
            let fresh = try await task.value
            cached = fresh
            if let fresh {
                logger.debug("aws credentials resolved", [
                    "aws.credentials.source": .string(fresh.source),
                    "aws.credentials.key_id": .string(fresh.redactedKeyID),
                ])
            }
            return fresh
        } catch {
            if let cached, !cached.expires(within: 0, of: now()) {
                logger.warning("aws credential refresh failed; using cached credentials until they expire", [
                    "error.short": .string((error as? ObjectStoreError)?.shortDescription ?? "error"),
                ])
                return cached
            }
            throw error
        }
    }
}
