/// One guardrail failure of a generated summary.
public struct SummaryViolation: Sendable, Hashable, Codable, CustomStringConvertible {
    /// What rule was broken. Raw values are stable (used in reports and output rows).
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// Empty summary.
        case empty
        /// Length outside the category's bounds.
        case length
        /// Summary language differs from the input's.
        case language
        /// A phone number.
        case phoneNumber = "phone_number"
        /// An e-mail address.
        case email
        /// A URL or bare domain.
        case url
        /// An @handle or a masked token such as `[전화번호]`.
        case personalHandle = "personal_handle"
        /// A reviewer id (`reviewer_123456`) or a review author's name.
        case reviewerName = "reviewer_name"
        /// A number, price, time or wait duration that does not appear in the input.
        case unsupportedNumber = "unsupported_number"
        /// A sentence copied (or nearly copied) from an example summary.
        case copiedExample = "copied_example"
        /// Output shape broken: JSON/markdown/tags in the summary, too many highlights …
        case format
        /// The summary repeats or obeys an instruction (prompt injection).
        case injection
    }

    /// The rule broken.
    public var kind: Kind
    /// What exactly (the offending text), for the retry prompt and the report.
    public var detail: String

    /// Creates a violation.
    public init(kind: Kind, detail: String) {
        self.kind = kind
        self.detail = detail
    }

    public var description: String { "\(kind.rawValue): \(detail)" }
}
