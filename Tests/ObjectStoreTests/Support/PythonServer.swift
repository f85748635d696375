import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs a Python loopback helper from tests/servers/ and reads the port it prints first.
/// Stopped (by its own PID) in `stop()`; callers `defer { server.stop() }`.
final class PythonServer: @unchecked Sendable {
    // @unchecked: the Process is created in init and only terminated afterwards.
    let process = Process()
    let port: Int
    private let logURL = FileManager.default.temporaryDirectory.appendingPathComponent("pyserver-\(UUID().uuidString).log")

    init(script: String, arguments: [String]) throws {
        guard let python = TestEnvironment.python else { throw TestSkip.noPython }
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [TestEnvironment.packageRoot.appendingPathComponent("tests/servers/\(script)").path] + arguments
        let stdout = Pipe()
        process.standardOutput = stdout
        _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: logURL)
        try process.run()
        var line = Data()
        while true {
            let byte = stdout.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty || byte == Data([0x0a]) { break }
            line.append(byte)
        }
        guard let port = Int(String(decoding: line, as: UTF8.self)) else {
            process.terminate()
            throw TestSkip.serverFailed(script)
        }
        self.port = port
    }

    /// Terminates the process and returns what it wrote to stderr.
    @discardableResult
    func stop() -> String {
        // SIGKILL: the test process may block/ignore SIGTERM, which the child would inherit.
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        defer { try? FileManager.default.removeItem(at: logURL) }
        return (try? String(contentsOf: logURL, encoding: .utf8)) ?? ""
    }
}

enum TestSkip: Error {
    case noPython
    case serverFailed(String)
}
