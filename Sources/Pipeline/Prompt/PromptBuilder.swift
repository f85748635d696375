import CryptoSupport
import Foundation
import Providers

/// Builds the generation request for one shop from its category's prompt file, the shop's facts,
/// its reviews (delimited as untrusted data) and the retrieved few-shot examples.
///
/// Prompt files are read from `Configuration.directory` (default `prompts/` in the current
/// directory) when present; otherwise the compiled-in copies are used, so the binary works anywhere.
public struct PromptBuilder: Sendable {
    /// Where prompts come from and how the context is cut.
    public struct Configuration: Sendable {
        /// Directory holding `<category>.md`; `nil` = `./prompts` when it exists.
        public var directory: URL?
        /// Length rules, shown to the model and used for the target length.
        public var lengthPolicy = SummaryLengthPolicy()
        /// Facts and review limits.
        public var facts = ShopFacts.Configuration()
        /// Sampling temperature for LLMs.
        public var temperature: Double = 0.3
        /// Output token cap for LLMs.
        public var maxOutputTokens: Int = 1024
        /// Creates a configuration.
        public init(directory: URL? = nil) { self.directory = directory }
    }

    /// The templates by category.
    public let templates: [ShopCategory: PromptTemplate]
    /// The configuration in use.
    public let configuration: Configuration

    /// Loads the templates.
    /// - Throws: `PipelineError` when a file in the directory exists but cannot be parsed,
    ///   or when an explicitly given directory does not exist.
    public init(configuration: Configuration = .init()) throws {
        self.configuration = configuration
        let fm = FileManager.default
        let directory: URL?
        if let explicit = configuration.directory {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: explicit.path, isDirectory: &isDir), isDir.boolValue else {
                throw PipelineError.missingInput(path: explicit.path, what: "prompt directory")
            }
            directory = explicit
        } else {
            let local = URL(fileURLWithPath: fm.currentDirectoryPath).appendingPathComponent("prompts")
            directory = fm.fileExists(atPath: local.path) ? local : nil
        }
        var templates: [ShopCategory: PromptTemplate] = [:]
        for category in ShopCategory.allCases {
            if let file = directory?.appendingPathComponent("\(category.rawValue).md"), fm.fileExists(atPath: file.path) {
                let data = try Data(contentsOf: file)
                guard let text = String(data: data, encoding: .utf8) else {
                    throw PipelineError.badPrompt(source: file.path, reason: "not UTF-8")
                }
                templates[category] = try PromptTemplate(text: text, source: file.path)
            } else if let text = BuiltinPrompts.texts[category.rawValue] {
                templates[category] = try PromptTemplate(text: text, source: "builtin:\(category.rawValue)")
            }
        }
        self.templates = templates
    }

    /// The version recorded in output rows and ledger keys: the file's `version` plus the first
    /// 8 hex digits of the SHA-256 of the template text, so an edit without a version bump still
    /// changes the key (`2026-12-01.1+3fa2b1c0`).
    public func promptVersion(for category: ShopCategory) -> String {
        guard let t = templates[category] else { return "none" }
        return "\(t.version)+\(SHA256.hexHash(t.system + "\n" + t.user).prefix(8))"
    }

    /// JSON Schema of ``SummaryOutput`` for structured-output LLM calls.
    public static let outputJSONSchema = #"{"type":"object","properties":{"summary":{"type":"string","description":"2-3 sentence summary"},"highlights":{"type":"array","items":{"type":"string"},"maxItems":5},"keywords":{"type":"array","items":{"type":"string"},"maxItems":8}},"required":["summary","highlights","keywords"],"additionalProperties":false}"#

    /// Builds the request for `shop` in `category` with few-shot `examples`.
    public func build(shop: Shop, category: ShopCategory, examples: [ExampleSummary]) -> GenerationRequest {
        let facts = ShopFacts(configuration: configuration.facts)
        let context = facts.context(shop: shop, category: category, examples: examples,
                                    defaultTargetLength: configuration.lengthPolicy.target(for: category))
        let range = configuration.lengthPolicy.range(for: category)
        let target = min(max(context.targetLength, range.lowerBound), range.upperBound)
        let factLines = [SummaryContext.Fact(label: "이름", value: shop.name)] + context.facts
        let values: [String: String] = [
            "language_rule": context.language == "en"
                ? "Write in English, because the reviews are in English."
                : "자연스러운 한국어 문어체(…다)로 씁니다.",
            "target_length": String(target),
            "min_length": String(range.lowerBound),
            "max_length": String(range.upperBound),
            "shop_facts": factLines.map { "- \($0.label): \(Self.escape($0.value))" }.joined(separator: "\n"),
            "reviews": context.reviews.enumerated()
                .map { "<review n=\"\($0.offset + 1)\">\(Self.escape($0.element))</review>" }.joined(separator: "\n"),
            "examples": examples.isEmpty ? "(none)" : examples
                .map { "<example id=\"\(Self.escape($0.id))\">\(Self.escape($0.summary))</example>" }.joined(separator: "\n"),
        ]
        let template = templates[category]
        let system = PromptTemplate.render(template?.system ?? "", values: values)
        let prompt = PromptTemplate.render(template?.user ?? "", values: values)
        return GenerationRequest(key: shop.id, systemInstruction: system, prompt: prompt,
                                 responseJSONSchema: Self.outputJSONSchema,
                                 temperature: configuration.temperature, maxOutputTokens: configuration.maxOutputTokens,
                                 context: context)
    }

    /// Neutralises delimiter characters so untrusted text cannot close or open a tag.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "<", with: "‹").replacingOccurrences(of: ">", with: "›")
            .replacingOccurrences(of: "{{", with: "{ {")
    }
}
