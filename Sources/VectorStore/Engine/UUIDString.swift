import Foundation

/// Lower-case random UUID strings for file names and commit ids.
enum UUIDString {
    static func make() -> String { UUID().uuidString.lowercased() }
}
