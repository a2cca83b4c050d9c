import XCTest
@testable import GenOTData

final class GenOTDataSmokeTests: XCTestCase {
    func testModuleLoads() {}
}
