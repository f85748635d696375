import Foundation

/// Parses backup locations given on the command line.
public enum BackupLocation {
    /// The local directory of a `file://` URL or a plain path; nil for other schemes (`s3://`).
    ///
    /// `file:///abs/dir` is absolute; `file://./rel`, `file://rel` and `rel` resolve against
    /// `currentDirectory` (`file://` has no host for us, so the "host" part is path).
    public static func localDirectory(for text: String, currentDirectory: URL) -> URL? {
        var rest: String
        if text.hasPrefix("file://") {
            rest = String(text.dropFirst("file://".count))
            if rest.hasPrefix("localhost/") { rest = String(rest.dropFirst("localhost".count)) }
        } else if text.contains("://") {
            return nil
        } else {
            rest = text
        }
        rest = rest.removingPercentEncoding ?? rest
        guard !rest.isEmpty else { return nil }
        if rest.hasPrefix("/") { return URL(fileURLWithPath: rest).standardizedFileURL }
        return currentDirectory.appendingPathComponent(rest).standardizedFileURL
    }
}
