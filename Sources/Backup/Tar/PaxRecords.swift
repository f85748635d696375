import Foundation

/// pax extended header records (`"%d %s=%s\n"`, POSIX.1-2001): encoding and parsing.
enum PaxRecords {
    /// Encodes key/value pairs; each record's length prefix counts itself.
    static func encode(_ pairs: [(String, String)]) -> [UInt8] {
        var out: [UInt8] = []
        for (key, value) in pairs {
            let body = " \(key)=\(value)\n"
            let bodyCount = body.utf8.count
            var length = bodyCount + String(bodyCount).count
            if String(length).count + bodyCount != length { length = bodyCount + String(length).count }
            out += Array("\(length)\(body)".utf8)
        }
        return out
    }

    /// Parses records; throws on malformed lengths.
    static func parse(_ bytes: [UInt8]) throws(TarFormatError) -> [String: String] {
        var result: [String: String] = [:]
        var index = 0
        while index < bytes.count {
            if bytes[index] == 0 { break }  // padding
            guard let space = bytes[index...].firstIndex(of: 0x20) else { throw .init("pax record without length") }
            guard let length = Int(String(decoding: bytes[index..<space], as: UTF8.self)), length > 0,
                  index + length <= bytes.count, bytes[index + length - 1] == 0x0A
            else { throw .init("malformed pax record length") }
            let record = bytes[(space + 1)..<(index + length - 1)]
            guard let equals = record.firstIndex(of: 0x3D) else { throw .init("pax record without '='") }
            let key = String(decoding: record[record.startIndex..<equals], as: UTF8.self)
            let value = String(decoding: record[(equals + 1)...], as: UTF8.self)
            result[key] = value
            index += length
        }
        return result
    }
}
