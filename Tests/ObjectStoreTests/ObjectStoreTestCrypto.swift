import CryptoSupport
import Foundation

/// Small crypto helpers for tests.
enum ObjectStoreTestCrypto {
    static func sha256Hex(_ data: Data) -> String { SHA256.hexHash(data) }
}
