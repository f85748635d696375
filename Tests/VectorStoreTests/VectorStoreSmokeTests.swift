import Testing
@testable import VectorStore

// Placeholder suite so the target exists; real suites live beside it.
