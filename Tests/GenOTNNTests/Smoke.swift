import XCTest
@testable import GenOTNN

final class GenOTNNSmokeTests: XCTestCase {
    func testModuleLoads() {}
}
