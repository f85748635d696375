import Testing
@testable import VectorIndex

@Suite("HNSW serialization")
struct HNSWSerializationTests {
    static func smallIndex() throws -> HNSWIndex {
        let rows = TestData.gaussianRows(count: 300, dimension: 8, seed: 11)
        var index = HNSWIndex(dimension: 8, metric: .cosine, configuration: .init(m: 6, efConstruction: 40, seed: 5))
        try rows.withUnsafeBufferPointer { _ = try index.insert(contentsOf: $0) }
        return index
    }

    static func expectCorrupt(_ bytes: [UInt8], code: VectorIndexError.Code = .corruptIndex, containing text: String) {
        do {
            _ = try HNSWIndex(serialized: bytes)
            Issue.record("damaged bytes were accepted")
        } catch let error as VectorIndexError {
            #expect(error.code == code)
            #expect(error.message.contains(text), "message: \(error.message)")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func headerCarriesMagicAndVersion() throws {
        let bytes = try Self.smallIndex().serialized()
        #expect(Array(bytes[0..<8]) == HNSWIndex.magic)
        #expect(bytes[8] == 1 && bytes[9] == 0)
        #expect(Array(bytes.suffix(4)) == Array("HNSW".utf8))
    }

    @Test func everySingleFlippedByteIsDetected() throws {
        let bytes = try Self.smallIndex().serialized()
        // Flip one bit at a spread of offsets across header, links, vectors and footer.
        for offset in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 97)) {
            var damaged = bytes
            damaged[offset] ^= 0x10
            #expect(throws: VectorIndexError.self) { _ = try HNSWIndex(serialized: damaged) }
        }
        var inBody = bytes
        inBody[200] ^= 0xFF
        Self.expectCorrupt(inBody, containing: "checksum mismatch")
    }

    @Test func truncationIsDetected() throws {
        let bytes = try Self.smallIndex().serialized()
        for cut in [0, 10, 79, bytes.count / 2, bytes.count - 1] {
            #expect(throws: VectorIndexError.self) { _ = try HNSWIndex(serialized: Array(bytes.prefix(cut))) }
        }
    }

    @Test func unknownVersionIsATypedError() throws {
        var bytes = try Self.smallIndex().serialized()
        bytes[8] = 9
        // Re-seal the checksum so only the version is wrong.
        let body = bytes.count - 16
        let crc = CRC32C.mask(CRC32C.checksum(bytes[0..<body]))
        withUnsafeBytes(of: crc.littleEndian) { for i in 0..<4 { bytes[body + 8 + i] = $0[i] } }
        Self.expectCorrupt(bytes, code: .formatVersion, containing: "version 9")
    }

    @Test func hugeCountsWithValidChecksumAreRejectedBeforeAllocating() throws {
        var bytes = try Self.smallIndex().serialized()
        // count field at offset 36 → 0x7FFFFFFF; re-seal the checksum.
        for i in 0..<4 { bytes[36 + i] = i == 3 ? 0x7F : 0xFF }
        let body = bytes.count - 16
        let crc = CRC32C.mask(CRC32C.checksum(bytes[0..<body]))
        withUnsafeBytes(of: crc.littleEndian) { for i in 0..<4 { bytes[body + 8 + i] = $0[i] } }
        Self.expectCorrupt(bytes, containing: "do not fit")
    }

    @Test func outOfRangeLinkFailsIntegrity() throws {
        var index = try Self.smallIndex()
        index.level0[1] = 99_999
        #expect(throws: VectorIndexError.self) { try index.checkIntegrity() }
        var sealed = index.serialized()  // a valid checksum over an invalid graph
        Self.expectCorrupt(sealed, containing: "invalid row 99999")
        sealed[0] = 0
        Self.expectCorrupt(sealed, containing: "magic")
    }

    @Test func graphOnlyFormRoundTripsWithExternalVectors() throws {
        let index = try Self.smallIndex()
        let graph = index.serialized(includeVectors: false)
        #expect(graph.count < index.serialized().count)
        let back = try HNSWIndex(serialized: graph, vectors: index.vectors)
        let q: [Float] = [1, 0, 0, 0, 0, 0, 0, 1]
        #expect(try back.search(q, k: 5) == index.search(q, k: 5))
        #expect(throws: VectorIndexError.self) { _ = try HNSWIndex(serialized: graph) }
        #expect(throws: VectorIndexError.self) { _ = try HNSWIndex(serialized: graph, vectors: [1, 2, 3]) }
    }
}
