import Testing
@testable import Pipeline

// Placeholder suite so the target exists; real suites live beside it.
