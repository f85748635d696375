import Testing
@testable import Providers

// Placeholder suite so the target exists; real suites live beside it.
