import Foundation

/// Per-model token prices, loaded from an editable JSON file (`config/prices.json`).
///
/// Shape: `{"currency": "USD", "batchDiscount": 0.5, "note": "...",
///          "models": {"gemini-2.5-flash": {"inputPerMillion": 0.30, "outputPerMillion": 2.50}}}`.
/// Thinking tokens are billed as output. Prices are estimates; users edit the file.
public struct PriceTable: Sendable, Codable, Hashable {
    /// Price of one model in currency units per million tokens.
    public struct ModelPrice: Sendable, Codable, Hashable {
        public var inputPerMillion: Double
        public var outputPerMillion: Double
        public init(inputPerMillion: Double, outputPerMillion: Double) {
            self.inputPerMillion = inputPerMillion
            self.outputPerMillion = outputPerMillion
        }
    }

    /// Currency code.
    public var currency: String
    /// Multiplier for batch-mode calls (0.5 = 50 % of the online price).
    public var batchDiscount: Double
    /// Free text shown with estimates (source and date of the prices).
    public var note: String?
    /// Prices by model id.
    public var models: [String: ModelPrice]

    /// Creates a table.
    public init(currency: String = "USD", batchDiscount: Double = 0.5, note: String? = nil, models: [String: ModelPrice]) {
        self.currency = currency
        self.batchDiscount = batchDiscount
        self.note = note
        self.models = models
    }

    /// Built-in copy of `config/prices.json` (public Gemini list prices, paid tier, text, ≤200k prompt;
    /// estimates that may be out of date).
    public static let builtIn = PriceTable(
        note: "Estimates from public Gemini API list prices (paid tier, text, prompts <= 200k tokens); edit config/prices.json",
        models: [
            "gemini-2.5-flash": .init(inputPerMillion: 0.30, outputPerMillion: 2.50),
            "gemini-2.5-flash-lite": .init(inputPerMillion: 0.10, outputPerMillion: 0.40),
            "gemini-2.5-pro": .init(inputPerMillion: 1.25, outputPerMillion: 10.00),
            "gemini-2.0-flash": .init(inputPerMillion: 0.10, outputPerMillion: 0.40),
            "gemini-embedding-001": .init(inputPerMillion: 0.15, outputPerMillion: 0),
        ])

    /// Loads a table.
    /// - Throws: ``ProviderError`` `.configuration` naming the file and the JSON problem.
    public static func load(from url: URL) throws -> PriceTable {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw ProviderError(code: .configuration, message: "cannot read price table \(url.path)")
        }
        do {
            let table = try JSONDecoder().decode(PriceTable.self, from: data)
            for (model, price) in table.models where price.inputPerMillion < 0 || price.outputPerMillion < 0 {
                throw ProviderError(code: .configuration, message: "\(url.path): model \"\(model)\" has a negative price")
            }
            return table
        } catch let error as ProviderError {
            throw error
        } catch let DecodingError.keyNotFound(key, ctx) {
            throw ProviderError(code: .configuration, message: "\(url.path): missing field \"\(key.stringValue)\" at \(Self.path(ctx))")
        } catch let DecodingError.typeMismatch(_, ctx) {
            throw ProviderError(code: .configuration, message: "\(url.path): wrong type at \(Self.path(ctx))")
        } catch {
            throw ProviderError(code: .configuration, message: "\(url.path): not valid JSON")
        }
    }

    private static func path(_ ctx: DecodingError.Context) -> String {
        ctx.codingPath.map(\.stringValue).joined(separator: ".")
    }

    /// The price for `model`, matching the longest known prefix (`gemini-2.5-flash-001` → `gemini-2.5-flash`).
    public func price(for model: String) -> ModelPrice? {
        if let exact = models[model] { return exact }
        let bare = model.hasPrefix("models/") ? String(model.dropFirst(7)) : model
        return models.keys.filter { bare.hasPrefix($0) }.max { $0.count < $1.count }.flatMap { models[$0] }
    }
}

/// Turns token usage into an estimated cost.
public struct CostEstimator: Sendable {
    /// The prices.
    public let prices: PriceTable

    /// Creates an estimator.
    public init(prices: PriceTable = .builtIn) { self.prices = prices }

    /// Estimated cost of `usage` on `model`; nil when the model has no price (offline → 0).
    public func cost(of usage: TokenUsage, model: String, batch: Bool = false) -> Double? {
        guard let price = prices.price(for: model) else { return nil }
        let output = Double(usage.outputTokens + usage.thoughtsTokens)
        let raw = Double(usage.promptTokens) * price.inputPerMillion / 1e6 + output * price.outputPerMillion / 1e6
        return batch ? raw * prices.batchDiscount : raw
    }

    /// Online and batch costs side by side (the report shows the 50 % difference).
    public func comparison(of usage: TokenUsage, model: String) -> (online: Double, batch: Double)? {
        guard let online = cost(of: usage, model: model), let batch = cost(of: usage, model: model, batch: true) else {
            return nil
        }
        return (online, batch)
    }
}
