import Testing
@testable import ObjectStore

// Placeholder suite so the target exists; real suites live beside it.
