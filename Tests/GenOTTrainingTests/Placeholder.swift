import XCTest

final class GenOTTrainingTestsPlaceholder: XCTestCase {
    func testPlaceholder() {}
}
