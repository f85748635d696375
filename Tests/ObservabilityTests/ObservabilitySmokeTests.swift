import Testing
@testable import Observability

// Placeholder suite so the target exists; real suites live beside it.
