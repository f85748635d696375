import Foundation

/// Credentials from the shared files: `AWS_SHARED_CREDENTIALS_FILE` (default `~/.aws/credentials`,
/// section `[name]`) then `AWS_CONFIG_FILE` (default `~/.aws/config`, section `[profile name]` or
/// `[default]`), for the profile `AWS_PROFILE` (else `AWS_DEFAULT_PROFILE`, else `default`).
///
/// Only static keys (`aws_access_key_id`, `aws_secret_access_key`, `aws_session_token`) are read;
/// role/SSO/process profiles are reported as unsupported.
public struct SharedFileCredentialProvider: CredentialProvider {
    private let environment: [String: String]

    /// Reads paths and the profile from `environment`.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    public var name: String { "shared-files" }

    /// The profile in use and whether it was chosen explicitly.
    var profile: (name: String, explicit: Bool) {
        for key in ["AWS_PROFILE", "AWS_DEFAULT_PROFILE"] {
            if let value = environment[key], !value.isEmpty { return (value, true) }
        }
        return ("default", false)
    }

    var credentialsPath: String { path("AWS_SHARED_CREDENTIALS_FILE", default: ".aws/credentials") }
    var configPath: String { path("AWS_CONFIG_FILE", default: ".aws/config") }

    /// The profile's `region` from the config file, if any.
    public func region() -> String? {
        let section = profile.name == "default" ? "default" : "profile \(profile.name)"
        return (try? INIFile(path: configPath))?.sections[section]?["region"]
    }

    /// - Throws: `.credentials` when an explicitly chosen profile is missing, a profile has only one
    ///   of the two keys, or a file cannot be parsed (the message names file, line and profile).
    public func resolve() async throws -> AWSCredentials? {
        let (profileName, explicit) = profile
        let sources: [(path: String, section: String)] = [
            (credentialsPath, profileName),
            (configPath, profileName == "default" ? "default" : "profile \(profileName)"),
        ]
        var unsupported: String?
        for (path, section) in sources where FileManager.default.fileExists(atPath: path) {
            guard let values = try INIFile(path: path).sections[section] else { continue }
            let keyID = values["aws_access_key_id"], secret = values["aws_secret_access_key"]
            if let keyID, let secret, !keyID.isEmpty, !secret.isEmpty {
                return AWSCredentials(accessKeyID: keyID, secretAccessKey: secret,
                                      sessionToken: values["aws_session_token"], source: "\(name):\(profileName)")
            }
            if keyID != nil || secret != nil {
                throw ObjectStoreError(code: .credentials,
                                       message: "profile '\(profileName)' in \(path) needs both aws_access_key_id and "
                                           + "aws_secret_access_key")
            }
            unsupported = "profile '\(profileName)' in \(path) has no static keys (role_arn, sso and "
                + "credential_process profiles are not supported; use IRSA or static keys)"
        }
        if let unsupported, explicit { throw ObjectStoreError(code: .credentials, message: unsupported) }
        if explicit {
            throw ObjectStoreError(code: .credentials,
                                   message: "AWS_PROFILE '\(profileName)' not found in \(credentialsPath) or \(configPath)")
        }
        return nil
    }

    private func path(_ variable: String, default relative: String) -> String {
        if let value = environment[variable], !value.isEmpty { return (value as NSString).expandingTildeInPath }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return (home as NSString).appendingPathComponent(relative)
    }
}

/// A minimal INI reader for the AWS shared files: `[section]`, `key = value`, `#`/`;` comments.
struct INIFile {
    var sections: [String: [String: String]] = [:]

    init(path: String) throws {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw ObjectStoreError(code: .credentials, message: "cannot read \(path)", cause: error)
        }
        var current: String?
        for (index, rawLine) in text.components(separatedBy: .newlines).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") {
                guard line.hasSuffix("]") else {
                    throw ObjectStoreError(code: .credentials, message: "\(path):\(index + 1): unterminated section header")
                }
                let name = line.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
                current = name
                if sections[name] == nil { sections[name] = [:] }
                continue
            }
            if rawLine.first == " " || rawLine.first == "\t" { continue }  // nested (s3 = …) sub-settings
            guard let section = current, let equals = line.firstIndex(of: "=") else {
                throw ObjectStoreError(code: .credentials,
                                       message: "\(path):\(index + 1): expected 'key = value' inside a [section]")
            }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            sections[section, default: [:]][key] = value
        }
    }
}
