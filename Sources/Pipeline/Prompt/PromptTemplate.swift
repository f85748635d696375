import Foundation

/// A parsed prompt file: front matter (`version`, `category`), a `# system` section and a
/// `# user` section with `{{placeholders}}`.
///
/// ```
/// ---
/// version: 2026-12-01.1
/// category: waiting_hotplace
/// ---
/// # system
/// …role and rules…
/// # user
/// …{{shop_facts}} {{reviews}} {{examples}}…
/// ```
public struct PromptTemplate: Sendable, Hashable {
    /// Version from the front matter, e.g. `2026-12-01.1`.
    public var version: String
    /// Category named in the front matter.
    public var category: String
    /// System instruction template.
    public var system: String
    /// User prompt template.
    public var user: String
    /// Where it came from (`builtin` or a file path), for messages.
    public var source: String

    /// Parses the text of a prompt file.
    /// - Throws: `PipelineError` (`.invalidArgument`) naming `source` and the missing part.
    public init(text: String, source: String) throws {
        self.source = source
        let lines = text.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n")
        guard lines.first == "---", let end = lines.dropFirst().firstIndex(of: "---") else {
            throw PipelineError.badPrompt(source: source, reason: "missing front matter (--- … ---) at line 1")
        }
        var meta: [String: String] = [:]
        for line in lines[1..<end] {
            guard let colon = line.firstIndex(of: ":") else { continue }
            meta[line[..<colon].trimmingCharacters(in: .whitespaces)] =
                line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        guard let version = meta["version"], !version.isEmpty else {
            throw PipelineError.badPrompt(source: source, reason: "front matter has no 'version'")
        }
        self.version = version
        category = meta["category"] ?? ""
        var sections: [String: [String]] = [:]
        var current: String?
        for line in lines[(end + 1)...] {
            if line == "# system" || line == "# user" {
                current = String(line.dropFirst(2))
                sections[current!] = []
            } else if let name = current {
                sections[name, default: []].append(line)
            }
        }
        guard let system = sections["system"], let user = sections["user"] else {
            throw PipelineError.badPrompt(source: source, reason: "needs '# system' and '# user' sections")
        }
        self.system = system.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        self.user = user.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        guard self.user.contains("{{reviews}}"), self.user.contains("{{shop_facts}}") else {
            throw PipelineError.badPrompt(source: source, reason: "user section must contain {{shop_facts}} and {{reviews}}")
        }
    }

    /// Replaces every `{{name}}` with its value; unknown placeholders stay as they are.
    public static func render(_ template: String, values: [String: String]) -> String {
        var out = template
        for (key, value) in values { out = out.replacingOccurrences(of: "{{\(key)}}", with: value) }
        return out
    }
}
