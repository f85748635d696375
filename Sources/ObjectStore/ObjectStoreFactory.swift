import Foundation
import Observability

/// Opens the ``ObjectStore`` a URL string names.
///
/// - `s3://bucket/prefix` → ``S3ObjectStore`` with ``S3Configuration/from(url:environment:)`` and the
///   standard ``CredentialChain`` (env, IRSA, shared files, container). The region falls back to the
///   shared config file's `region` for the active profile, then `us-east-1`.
/// - `file:///abs/dir`, `file://rel/dir`, or a plain path → ``LocalObjectStore``.
/// - `memory://name` → a fresh ``InMemoryObjectStore`` (tests).
public struct ObjectStoreFactory: Sendable {
    private let environment: [String: String]
    private let transport: any HTTPTransport
    private let logger: Logger
    private let currentDirectory: URL

    /// Creates a factory.
    /// - Parameters:
    ///   - environment: AWS_* variables and friends (default: the process environment).
    ///   - transport: HTTP for S3/STS/container credentials (default: the process-wide URLSession).
    ///   - logger: passed to the stores and the credential chain.
    ///   - currentDirectory: base for relative paths.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment,
                transport: any HTTPTransport = URLSessionTransport.shared, logger: Logger = .disabled(),
                currentDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)) {
        self.environment = environment
        self.transport = transport
        self.logger = logger
        self.currentDirectory = currentDirectory
    }

    /// Opens `url`.
    /// - Throws: ``ObjectStoreError`` `.invalidURL` for an unknown scheme or a bad bucket/endpoint.
    public func open(_ url: String) throws -> any ObjectStore {
        let trimmed = url.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("s3://") {
            var configuration = try S3Configuration.from(url: trimmed, environment: environment)
            let regionSet = !(environment["AWS_REGION"] ?? environment["AWS_DEFAULT_REGION"] ?? "").isEmpty
            if !regionSet, let region = SharedFileCredentialProvider(environment: environment).region() {
                configuration.region = region
            }
            return S3ObjectStore(configuration: configuration,
                                 credentials: CredentialChain.standard(environment: environment, transport: transport,
                                                                       logger: logger),
                                 transport: transport, logger: logger)
        }
        if trimmed.hasPrefix("memory://") {
            let name = String(trimmed.dropFirst("memory://".count))
            return InMemoryObjectStore(name: name.isEmpty ? "memory" : name)
        }
        if let directory = localDirectory(trimmed) { return LocalObjectStore(rootURL: directory) }
        throw ObjectStoreError(code: .invalidURL,
                               message: "unsupported store URL '\(url)' (use s3://BUCKET/PREFIX, file:///DIR or a path)")
    }

    private func localDirectory(_ text: String) -> URL? {
        var path = text
        if text.hasPrefix("file://") {
            path = String(text.dropFirst("file://".count))
            path = path.removingPercentEncoding ?? path
        } else if text.contains("://") || text.isEmpty {
            return nil
        }
        guard !path.isEmpty else { return nil }
        if path.hasPrefix("/") { return URL(fileURLWithPath: path, isDirectory: true).standardizedFileURL }
        return currentDirectory.appendingPathComponent(path, isDirectory: true).standardizedFileURL
    }
}
