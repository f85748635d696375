import Testing
@testable import VectorIndex

// Placeholder suite so the target exists; real suites live beside it.
