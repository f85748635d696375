import CryptoSupport
import Foundation

extension S3ObjectStore {
    /// All objects under `prefix` (relative to the store's prefix), sorted by key, following
    /// ListObjectsV2 continuation tokens (`listPageSize` keys per page).
    public func list(prefix: String) async throws -> [ObjectInfo] {
        let fullPrefix = objectKey(prefix)
        let strip = configuration.prefix.isEmpty ? 0 : configuration.prefix.count + 1
        var results: [ObjectInfo] = []
        var token: String?
        repeat {
            var query: [(name: String, value: String)] = [
                ("list-type", "2"), ("prefix", fullPrefix), ("max-keys", String(configuration.listPageSize)),
            ]
            if let token { query.append(("continuation-token", token)) }
            let context = "S3 LIST \(display(prefix))"
            let response = try await execute(S3Call(method: "GET", objectKey: nil, query: query), context: context)
            let root = try XMLNode.parse(response.body, context: context)
            for item in root.all("Contents") {
                // No encoding-type=url: its decoding rules ('+' vs space) differ between servers, and
                // our keys are XML-safe; XMLParser already resolves entities.
                guard let key = item.value("Key") else { continue }
                guard key.count >= strip, key.hasPrefix(fullPrefix) else { continue }
                results.append(ObjectInfo(
                    key: String(key.dropFirst(strip)),
                    size: item.value("Size").flatMap { Int64($0) } ?? 0,
                    lastModified: item.value("LastModified").flatMap(Self.parseISODate),
                    etag: item.value("ETag").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }))
            }
            let truncated = root.value("IsTruncated") == "true"
            token = truncated ? root.value("NextContinuationToken") : nil
            if truncated && token == nil {
                throw ObjectStoreError(code: .invalidResponse,
                                       message: "\(context): IsTruncated without NextContinuationToken")
            }
        } while token != nil
        return results.sorted { $0.key < $1.key }
    }

    /// Deletes keys in batches of 1,000 with DeleteObjects (`Content-MD5` set); missing keys
    /// are not errors. Throws when S3 reports a per-key `<Error>`.
    public func delete(keys: [String]) async throws {
        var start = 0
        while start < keys.count {
            let batch = keys[start..<min(start + 1000, keys.count)]
            start += batch.count
            var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Delete><Quiet>true</Quiet>"
            for key in batch { xml += "<Object><Key>\(Self.xmlEscape(objectKey(key)))</Key></Object>" }
            xml += "</Delete>"
            let body = Data(xml.utf8)
            let call = S3Call(method: "POST", objectKey: nil, query: [("delete", "")],
                              headers: [("Content-MD5", MD5.base64Digest(body)), ("Content-Type", "application/xml")],
                              body: .data(body), payloadHash: SHA256.hexHash(body))
            let context = "S3 DELETE \(batch.count) keys under \(displayURL)"
            let response = try await execute(call, context: context)
            guard !response.body.isEmpty else { continue }
            let root = try XMLNode.parse(response.body, context: context)
            let errors = root.all("Error")
            if let first = errors.first {
                let code = first.value("Code") ?? "?"
                throw ObjectStoreError(
                    code: code == "AccessDenied" ? .accessDenied : .server,
                    message: "\(context): \(errors.count) keys failed, first \(first.value("Key") ?? "?"): "
                        + "\(code) (\(first.value("Message") ?? ""))")
            }
        }
    }

    static func xmlEscape(_ text: String) -> String {
        var out = ""
        for ch in text {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(ch)
            }
        }
        return out
    }
}
