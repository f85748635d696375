import VectorStore

/// How vector-store errors look on the command line: one message naming the file or collection,
/// no stack trace; corruption and bad data exit 65.
extension StorageError: CLIReportableError {
    public var exitCode: Int32 {
        switch code {
        case .corruptFile, .missingFile, .formatVersion, .dimensionMismatch, .duplicateID, .idNotFound,
             .invalidFilter, .invalidArgument, .collectionExists:
            ExitCode.dataError
        case .collectionNotFound, .storeNotFound: ExitCode.noInput
        case .commitConflict, .lockTimeout: ExitCode.interrupted
        default: ExitCode.failure
        }
    }

    public var cliMessage: String {
        // Messages that already open with their kind ("invalid filter: …") are not prefixed twice.
        var text = description.hasPrefix(shortDescription + ":") ? "error: \(description)" : "error: \(shortDescription): \(description)"
        switch code {
        case .corruptFile, .missingFile:
            text += "\nhint: run 'shop-summary db verify' for a full report; restore from backup with 'shop-summary restore'"
        case .collectionNotFound:
            text += "\nhint: 'shop-summary db stats' lists the collections"
        case .storeNotFound:
            text += "\nhint: check --data-dir; 'shop-summary db create' makes a store, 'shop-summary init' restores one from backup"
        default: break
        }
        return text
    }
}
