import Foundation

/// The result of parsing one command's arguments against its ``CommandConfiguration``.
public struct ParsedArguments: Sendable {
    /// Command path, for error messages.
    public let commandPath: [String]
    private var values: [String: [String]]
    private var flags: Set<String>
    /// Positional arguments in order.
    public private(set) var positionals: [String]
    private let specs: [String: OptionSpec]

    /// Parses `arguments` (everything after the command path).
    /// - Throws: ``UsageError`` for unknown options, missing values, repeated single options,
    ///   missing required options and unexpected positionals.
    public init(arguments: [String], configuration: CommandConfiguration) throws {
        commandPath = configuration.path
        var specs: [String: OptionSpec] = [:]
        for spec in configuration.options { specs[spec.name] = spec }
        self.specs = specs
        values = [:]
        flags = []
        positionals = []
        let command = configuration.path.joined(separator: " ")
        var index = 0
        var onlyPositionals = false
        while index < arguments.count {
            let arg = arguments[index]
            index += 1
            if onlyPositionals || !arg.hasPrefix("-") || arg == "-" {
                positionals.append(arg)
                continue
            }
            if arg == "--" { onlyPositionals = true; continue }
            var name = arg
            var inline: String?
            if let eq = arg.firstIndex(of: "="), arg.hasPrefix("--") {
                name = String(arg[..<eq])
                inline = String(arg[arg.index(after: eq)...])
            }
            guard let spec = specs[name] else {
                let hint = Self.closest(to: name, in: Array(specs.keys)).map { " (did you mean \($0)?)" } ?? ""
                throw UsageError(command: command, message: "unknown option '\(name)'\(hint)")
            }
            switch spec.kind {
            case .flag:
                if inline != nil {
                    throw UsageError(command: command, message: "option '\(name)' takes no value")
                }
                flags.insert(name)
            case .value, .repeated:
                let value: String
                if let inline {
                    value = inline
                } else {
                    guard index < arguments.count, !arguments[index].hasPrefix("--") else {
                        throw UsageError(command: command, message: "option '\(spec.synopsis)' needs a value")
                    }
                    value = arguments[index]
                    index += 1
                }
                if case .value = spec.kind, values[name] != nil {
                    throw UsageError(command: command, message: "option '\(name)' given more than once")
                }
                values[name, default: []].append(value)
            }
        }
        for spec in configuration.options where spec.isRequired && values[spec.name] == nil {
            throw UsageError(command: command, message: "missing required option '\(spec.synopsis)'")
        }
        if positionals.count > configuration.positionals.count {
            let extra = positionals[configuration.positionals.count]
            throw UsageError(command: command, message: "unexpected argument '\(extra)'")
        }
    }

    /// Whether a flag was given.
    public func flag(_ name: String) -> Bool { flags.contains(name) }

    /// The option's value, or its declared default, or nil.
    public func value(_ name: String) -> String? { values[name]?.last ?? specs[name]?.defaultValue }

    /// All values of a repeatable option (empty when absent).
    public func values(_ name: String) -> [String] { values[name] ?? [] }

    /// The option's value or a usage error naming it.
    public func require(_ name: String) throws -> String {
        guard let v = value(name), !v.isEmpty else {
            throw UsageError(command: commandPath.joined(separator: " "), message: "missing required option '\(name)'")
        }
        return v
    }

    /// The option parsed as an integer within `range`, or its default, or nil.
    public func int(_ name: String, in range: ClosedRange<Int> = Int.min...Int.max) throws -> Int? {
        guard let text = value(name) else { return nil }
        guard let n = Int(text), range.contains(n) else {
            throw UsageError(command: commandPath.joined(separator: " "),
                             message: "option '\(name)' expects an integer in \(range.lowerBound)...\(range.upperBound), got '\(text)'")
        }
        return n
    }

    /// The option parsed as a number within `range`, or its default, or nil.
    public func double(_ name: String, in range: ClosedRange<Double> = -Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude) throws -> Double? {
        guard let text = value(name) else { return nil }
        guard let n = Double(text), n.isFinite, range.contains(n) else {
            throw UsageError(command: commandPath.joined(separator: " "),
                             message: "option '\(name)' expects a number in \(range.lowerBound)...\(range.upperBound), got '\(text)'")
        }
        return n
    }

    /// The option's value, which must be one of `choices`.
    public func choice(_ name: String, _ choices: [String]) throws -> String? {
        guard let text = value(name) else { return nil }
        guard choices.contains(text) else {
            throw UsageError(command: commandPath.joined(separator: " "),
                             message: "option '\(name)' must be one of \(choices.joined(separator: "|")), got '\(text)'")
        }
        return text
    }

    /// The positional at `index`, if given.
    public func positional(_ index: Int) -> String? { index < positionals.count ? positionals[index] : nil }

    static func closest(to name: String, in candidates: [String]) -> String? {
        let scored = candidates.map { ($0, editDistance(name, $0)) }.filter { $0.1 <= 3 }
        return scored.min { $0.1 < $1.1 }?.0
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...max(b.count, 1) where !b.isEmpty {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
