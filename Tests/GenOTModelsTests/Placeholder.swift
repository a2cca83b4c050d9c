import XCTest

final class GenOTModelsTestsPlaceholder: XCTestCase {
    func testPlaceholder() {}
}
