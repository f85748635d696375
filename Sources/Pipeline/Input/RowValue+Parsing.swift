import Foundation
import VectorStore

extension RowValue {
    /// Parses one JSON document with the store's strict RFC 8259 parser (`JSONValue`) and converts
    /// it: numbers become `Double`, duplicate object keys keep the last value.
    /// (`JSONDecoder` into an untyped value probes every type with a thrown error, which made
    /// reading 2,000 shops take seconds in debug builds.)
    /// - Throws: `JSONParseError` with the byte offset of the problem.
    static func parse<Bytes: Collection<UInt8>>(_ bytes: Bytes) throws(JSONParseError) -> RowValue {
        RowValue(try JSONValue(parsing: Array(bytes)))
    }

    init(_ json: JSONValue) {
        switch json {
        case .null: self = .null
        case .bool(let b): self = .bool(b)
        case .int(let i): self = .number(Double(i))
        case .double(let d): self = .number(d)
        case .string(let s): self = .string(s)
        case .array(let items): self = .array(items.map(RowValue.init))
        case .object(let members):
            self = .object(Dictionary(members.map { ($0.0, RowValue($0.1)) }, uniquingKeysWith: { _, last in last }))
        }
    }
}
