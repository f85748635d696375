import Foundation

/// Offline extractive summariser (descriptor `offline/extractive-v1`). It cannot read prose, so it
/// reads `request.context`: it splits the reviews into sentences, scores their salience, picks
/// non-redundant ones with MMR over character n-grams, removes emoji, bullets, masked tokens, URLs
/// and reviewer ids, and frames them with the shop's facts in Korean (or English for English
/// input), aiming at `context.targetLength`. Every number it writes comes from the context.
public struct OfflineGenerator: Generator {
    /// Tuning knobs with defaults.
    public struct Configuration: Sendable {
        /// MMR trade-off between salience (1) and diversity (0).
        public var lambda: Double = 0.7
        /// At most this many quoted review sentences.
        public var maxQuotes: Int = 3
        /// Hard cap on the summary length, as a multiple of the target length.
        public var maxLengthFactor: Double = 1.5
        /// Creates a configuration.
        public init() {}
    }

    /// `offline/extractive-v1`.
    public let descriptor = GeneratorDescriptor(provider: "offline", model: "extractive-v1")
    /// The configuration in use.
    public let configuration: Configuration

    /// Creates the generator.
    public init(configuration: Configuration = .init()) { self.configuration = configuration }

    public func generate(_ request: GenerationRequest) async throws -> GenerationResult {
        let output = summarize(request.context)
        let raw = (try? String(decoding: JSONEncoder().encode(output), as: UTF8.self)) ?? output.summary
        return GenerationResult(output: output, rawText: raw, usage: TokenUsage(), finishReason: "offline",
                                model: descriptor.model)
    }

    /// The summary for `context` (synchronous core of ``generate(_:)``).
    public func summarize(_ context: SummaryContext) -> SummaryOutput {
        let english = context.language.lowercased().hasPrefix("en")
        let composer = ExtractiveComposer(context: context, english: english)
        let target = max(60, context.targetLength)
        let cap = max(target + 20, Int(Double(target) * configuration.maxLengthFactor))
        let opening = composer.opening()
        var signals = composer.signals()

        let scorer = ExtractiveScorer(category: context.category)
        var candidates = scorer.candidates(from: context.reviews)
        if english == false {
            // Quote Korean sentences in a Korean summary; English lines would break the language.
            let korean = candidates.filter { Self.isMostlyHangul($0.text) }
            if !korean.isEmpty { candidates = korean }
        }
        let profiles = candidates.map { ExtractiveSimilarity.Profile($0.text) }
        let order = ExtractiveSimilarity.mmr(relevance: candidates.map(\.score), k: min(candidates.count, 8),
                                             lambda: configuration.lambda) {
            ExtractiveSimilarity.cosine(profiles[$0], profiles[$1])
        }

        // Reserve room for the most important signal sentence, then fill with quotes.
        let firstSignal = signals.isEmpty ? 0 : signals[0].count + 1
        var length = opening.count + firstSignal
        var quotes: [String] = []
        var highlights: [String] = []
        for index in order where quotes.count < configuration.maxQuotes {
            let sentence = candidates[index].text
            let framed = composer.quote(sentence, position: quotes.count)
            let projected = length + framed.count + 1
            if projected > cap || (quotes.count >= 1 && projected > target + 15) { continue }
            quotes.append(framed)
            highlights.append(sentence)
            length = projected
        }
        var parts = [opening] + quotes
        if quotes.isEmpty, let line = composer.keywordSentence() {
            // No quotable sentence: say what the reviews' keyword tags say instead.
            parts.append(line)
            length += line.count + 1
        }
        if !signals.isEmpty {
            parts.append(signals.removeFirst())
            for s in signals where length + s.count + 1 <= target {
                parts.append(s)
                length += s.count + 1
            }
        }
        let summary = parts.joined(separator: " ")
        return SummaryOutput(summary: summary, highlights: highlights,
                             keywords: Self.keywords(context: context, highlights: highlights))
    }

    /// Keywords: review keyword facts, then category cues present in the highlights.
    static func keywords(context: SummaryContext, highlights: [String]) -> [String] {
        var out: [String] = []
        if let tags = context.facts.first(where: { $0.label == ExtractiveFacts.keywords })?.value {
            out += tags.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        let joined = highlights.joined(separator: " ").lowercased()
        for cue in ExtractiveScorer.cues(for: context.category) where joined.contains(cue) && !out.contains(cue) {
            out.append(cue)
        }
        return Array(out.prefix(6))
    }

    static func isMostlyHangul(_ text: String) -> Bool {
        var hangul = 0, latin = 0
        for s in text.unicodeScalars {
            if (0xAC00...0xD7A3).contains(s.value) { hangul += 1 } else if s.isASCII && CharacterSet.letters.contains(s) { latin += 1 }
        }
        return hangul >= latin
    }
}
