import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// A tiny XML element tree for S3/STS responses (namespaces ignored, text trimmed).
struct XMLNode: Sendable {
    var name: String
    var text: String
    var children: [XMLNode]

    /// First direct child named `name`.
    func child(_ name: String) -> XMLNode? { children.first { $0.name == name } }
    /// All direct children named `name`.
    func all(_ name: String) -> [XMLNode] { children.filter { $0.name == name } }
    /// Text of the first direct child named `name`.
    func value(_ name: String) -> String? { child(name)?.text }
    /// Follows a path of child names.
    func find(_ path: String...) -> XMLNode? {
        var node: XMLNode? = self
        for name in path { node = node?.child(name) }
        return node
    }

    /// Parses `data`; throws `.invalidResponse` naming `context` when it is not well-formed XML.
    static func parse(_ data: Data, context: String) throws -> XMLNode {
        let delegate = TreeBuilder()
        let parser = XMLParser(data: data)
        parser.shouldProcessNamespaces = true
        parser.delegate = delegate
        guard parser.parse(), let root = delegate.root else {
            let reason = parser.parserError.map { "\($0.localizedDescription)" } ?? "no root element"
            throw ObjectStoreError(code: .invalidResponse,
                                   message: "\(context): response is not valid XML (\(reason)), \(data.count) bytes")
        }
        return root
    }
}

/// XMLParser delegate that builds an ``XMLNode`` tree. Used on one thread for one parse.
private final class TreeBuilder: NSObject, XMLParserDelegate {
    private var stack: [XMLNode] = []
    var root: XMLNode?

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
        stack.append(XMLNode(name: elementName, text: "", children: []))
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        guard !stack.isEmpty else { return }
        stack[stack.count - 1].text += string
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?) {
        guard var node = stack.popLast() else { return }
        if !node.children.isEmpty { node.text = node.text.trimmingCharacters(in: .whitespacesAndNewlines) }
        if stack.isEmpty { root = node } else { stack[stack.count - 1].children.append(node) }
    }
}
