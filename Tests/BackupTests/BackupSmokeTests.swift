import Testing
@testable import Backup

// Placeholder suite so the target exists; real suites live beside it.
