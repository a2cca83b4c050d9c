import XCTest
@testable import GenOTTensor

final class GenOTTensorSmokeTests: XCTestCase {
    func testModuleLoads() {}
}
