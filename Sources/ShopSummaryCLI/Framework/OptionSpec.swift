/// Declares one command-line option; help text and parsing both come from these declarations.
public struct OptionSpec: Sendable {
    /// How an option takes values.
    public enum Kind: Sendable {
        /// `--json`: present or absent.
        case flag
        /// `--input FILE` or `--input=FILE`, at most once.
        case value(placeholder: String)
        /// `--filter EXPR`, repeatable.
        case repeated(placeholder: String)
    }

    /// Long name including dashes, e.g. `--input`.
    public var name: String
    /// Value kind.
    public var kind: Kind
    /// One-line help.
    public var help: String
    /// Default shown in help and returned when absent (value options only).
    public var defaultValue: String?
    /// Whether the option must be given.
    public var isRequired: Bool

    public init(_ name: String, _ kind: Kind = .flag, help: String, default defaultValue: String? = nil,
                required isRequired: Bool = false) {
        self.name = name
        self.kind = kind
        self.help = help
        self.defaultValue = defaultValue
        self.isRequired = isRequired
    }

    /// `--name VALUE` as shown in usage lines.
    var synopsis: String {
        switch kind {
        case .flag: name
        case .value(let p): "\(name) \(p)"
        case .repeated(let p): "\(name) \(p)…"
        }
    }

    var takesValue: Bool {
        if case .flag = kind { return false }
        return true
    }
}

/// Static description of a command: its path, help and options.
public struct CommandConfiguration: Sendable {
    /// Words after the executable name, e.g. `["db", "stats"]`.
    public var path: [String]
    /// One-line summary shown in the command list.
    public var abstract: String
    /// Longer help shown by `--help` (may be empty).
    public var discussion: String
    /// Accepted options (`--help` is added automatically).
    public var options: [OptionSpec]
    /// Names of positional arguments (shown in usage); extra positionals are a usage error.
    public var positionals: [String]

    public init(path: [String], abstract: String, discussion: String = "", options: [OptionSpec] = [],
                positionals: [String] = []) {
        self.path = path
        self.abstract = abstract
        self.discussion = discussion
        self.options = options
        self.positionals = positionals
    }
}
