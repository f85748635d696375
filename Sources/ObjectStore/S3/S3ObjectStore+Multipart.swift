import CryptoSupport
import Foundation
import Observability

extension S3ObjectStore {
    /// Part size actually used for a file of `size` bytes: the configured size, at least 5 MiB,
    /// raised so the upload needs at most 10,000 parts.
    func effectivePartSize(for size: Int64) -> Int64 {
        let minimum: Int64 = 5 << 20
        var part = max(configuration.partSize, minimum)
        while (size + part - 1) / part > 10_000 { part *= 2 }
        return part
    }

    /// Multipart upload streamed from disk: each part is copied (1 MiB at a time, hashed on the way)
    /// into a temp file and sent with `upload(for:fromFile:)`; at most `maxConcurrentParts` parts are
    /// in flight, so memory stays bounded whatever the file size. Any failure aborts the upload.
    func multipartUpload(_ fileURL: URL, size: Int64, key: String) async throws {
        let context = "S3 multipart \(display(key))"
        let partSize = effectivePartSize(for: size)
        let partCount = Int((size + partSize - 1) / partSize)
        let create = S3Call(method: "POST", objectKey: objectKey(key), query: [("uploads", "")],
                            headers: encryptionHeaders + [Self.binaryType])
        let created = try await execute(create, context: "\(context) create")
        guard let uploadID = try XMLNode.parse(created.body, context: context).value("UploadId"), !uploadID.isEmpty else {
            throw ObjectStoreError(code: .invalidResponse, message: "\(context): CreateMultipartUpload returned no UploadId")
        }
        let scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("s3-parts-\(UUID().uuidString)", isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: scratch) }
            let etags = try await uploadParts(fileURL, size: size, partSize: partSize, partCount: partCount, uploadID: uploadID,
                                              key: key, scratch: scratch, context: context)
            try await complete(key: key, uploadID: uploadID, etags: etags, context: context)
            logger.debug("s3 multipart upload complete", ["s3.key": .string(display(key)), "s3.parts": .int(partCount)])
        } catch {
            await abort(key: key, uploadID: uploadID, context: context)
            throw error
        }
    }

    private func uploadParts(_ fileURL: URL, size: Int64, partSize: Int64, partCount: Int, uploadID: String, key: String,
                             scratch: URL, context: String) async throws -> [Int: String] {
        var etags: [Int: String] = [:]
        try await withThrowingTaskGroup(of: (Int, String).self) { group in
            var next = 1
            func launch(_ number: Int) {
                group.addTask {
                    let offset = Int64(number - 1) * partSize
                    let length = min(partSize, size - offset)
                    let partFile = scratch.appendingPathComponent("part-\(number)")
                    defer { try? FileManager.default.removeItem(at: partFile) }
                    let hash = try Self.copyRange(of: fileURL, offset: offset, length: length, to: partFile)
                    let call = S3Call(method: "PUT", objectKey: self.objectKey(key),
                                      query: [("partNumber", String(number)), ("uploadId", uploadID)],
                                      body: .file(partFile), payloadHash: hash)
                    let response = try await self.execute(call, context: "\(context) part \(number)/\(partCount)")
                    guard let etag = response.header("etag"), !etag.isEmpty else {
                        throw ObjectStoreError(code: .invalidResponse, message: "\(context): part \(number) has no ETag")
                    }
                    return (number, etag)
                }
            }
            while next <= min(partCount, max(1, configuration.maxConcurrentParts)) { launch(next); next += 1 }
            while let (number, etag) = try await group.next() {
                etags[number] = etag
                if next <= partCount { launch(next); next += 1 }
            }
        }
        return etags
    }

    private func complete(key: String, uploadID: String, etags: [Int: String], context: String) async throws {
        var xml = "<CompleteMultipartUpload>"
        for number in etags.keys.sorted() {
            xml += "<Part><PartNumber>\(number)</PartNumber><ETag>\(Self.xmlEscape(etags[number] ?? ""))</ETag></Part>"
        }
        xml += "</CompleteMultipartUpload>"
        let body = Data(xml.utf8)
        let call = S3Call(method: "POST", objectKey: objectKey(key), query: [("uploadId", uploadID)],
                          headers: [("Content-Type", "application/xml")], body: .data(body),
                          payloadHash: SHA256.hexHash(body), mayEmbedError: true)
        _ = try await execute(call, context: "\(context) complete")
    }

    private func abort(key: String, uploadID: String, context: String) async {
        let call = S3Call(method: "DELETE", objectKey: objectKey(key), query: [("uploadId", uploadID)])
        do {
            _ = try await execute(call, context: "\(context) abort")
        } catch {
            // The lifecycle rule AbortIncompleteMultipartUpload cleans up what this could not.
            logger.warning("s3 multipart abort failed", ["s3.key": .string(display(key)),
                                                          "error.short": .string("\((error as? ObjectStoreError)?.shortDescription ?? "error")")])
        }
    }

    /// Copies `length` bytes at `offset` of `source` into `destination` in 1 MiB chunks;
    /// returns the hex SHA-256 of the copied bytes.
    static func copyRange(of source: URL, offset: Int64, length: Int64, to destination: URL) throws -> String {
        do {
            let input = try FileHandle(forReadingFrom: source)
            defer { try? input.close() }
            try input.seek(toOffset: UInt64(offset))
            guard FileManager.default.createFile(atPath: destination.path, contents: nil) else {
                throw ObjectStoreError(code: .io, message: "cannot create part file \(destination.path)")
            }
            let output = try FileHandle(forWritingTo: destination)
            defer { try? output.close() }
            var hasher = SHA256()
            var remaining = length
            while remaining > 0 {
                let chunk = try input.read(upToCount: Int(min(remaining, 1 << 20))) ?? Data()
                if chunk.isEmpty {
                    throw ObjectStoreError(code: .io, message: "\(source.path) shrank while uploading (offset \(offset))")
                }
                hasher.update(chunk)
                try output.write(contentsOf: chunk)
                remaining -= Int64(chunk.count)
            }
            return Hex.encode(hasher.finalize())
        } catch let error as ObjectStoreError {
            throw error
        } catch {
            throw ObjectStoreError(code: .io, message: "cannot copy part of \(source.path)", cause: error)
        }
    }
}
