import Foundation

/// Rebuilds a category's output file from the ledger: one row per shop whose latest ledger
/// entry matches its current input hash and prompt version, in input order, published
/// atomically. Because the file is always rebuilt (never appended), a shop cannot appear twice
/// and a crash between writes cannot leave a half file.
enum OutputFile {
    struct Counts {
        var ok = 0
        var failed = 0
        var failures: [CategoryReport.Failure] = []
        var missing: [String] = []
    }

    static func rebuild(at url: URL, shops: [Shop], ledger: RunLedger, category: ShopCategory,
                        promptVersion: String) throws -> Counts {
        var counts = Counts()
        var data = Data()
        for shop in shops {
            let hash = PreparedInput.inputHash(shop, category: category)
            guard let entry = ledger.latest[shop.id], entry.inputHash == hash, entry.promptVersion == promptVersion
            else {
                counts.missing.append(shop.id)
                continue
            }
            switch entry.status {
            case .ok: counts.ok += 1
            case .failed:
                counts.failed += 1
                counts.failures.append(.init(shopID: shop.id, reason: entry.row.error ?? "unknown"))
            }
            do { data.append(try entry.row.jsonLine()) } catch {
                throw PipelineError(code: .output, message: "cannot encode row of shop \(shop.id)", cause: error)
            }
            data.append(0x0A)
        }
        try DurableFile.publish(data, to: url)
        return counts
    }
}
