/// A heap buffer freed when its owner goes away (1 MiB by default).
final class ChunkBuffer {
    let bytes: UnsafeMutableRawBufferPointer

    init(size: Int = 1 << 20) {
        bytes = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 16)
    }

    deinit { bytes.deallocate() }
}
