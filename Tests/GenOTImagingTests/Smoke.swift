import XCTest
@testable import GenOTImaging

final class GenOTImagingSmokeTests: XCTestCase {
    func testModuleLoads() {}
}
