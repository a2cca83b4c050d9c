import XCTest

final class GenOTEvaluationTestsPlaceholder: XCTestCase {
    func testPlaceholder() {}
}
