import Foundation
import GenOTTestSupport
import XCTest
@testable import GenOTData

/// Loads the real datasets placed by `scripts/fetch-data`. Skipped unless
/// GENOT_DATA_DIR names the data folder (the suite otherwise uses only data it makes):
/// `GENOT_DATA_DIR=data swift test --filter RealDataTests`; under CI, which
/// fetches the data first (`.ci/run`), it fails instead.
final class RealDataTests: XCTestCase {
    func testAllSplitsOfBothDatasetsLoad() throws {
        guard let path = ProcessInfo.processInfo.environment["GENOT_DATA_DIR"] else {
            throw unavailable("set GENOT_DATA_DIR to the folder scripts/fetch-data filled")
        }
        let dataDir = URL(fileURLWithPath: path, isDirectory: true)
        for name in DatasetName.allCases {
            for split in DatasetSplit.allCases {
                let start = Date()
                let set = try Datasets.load(name, split: split, dataDir: dataDir)
                let seconds = Date().timeIntervalSince(start)
                print("\(name.rawValue) \(split.rawValue): \(set.count) images \(set.rows)x\(set.cols), "
                      + "loaded in \(String(format: "%.3f", seconds)) s")
                XCTAssertEqual(set.count, split == .train ? 60_000 : 10_000)
                XCTAssertEqual([set.rows, set.cols], [28, 28])
                XCTAssertEqual(set.classCounts().count, 10, "labels 0...9 all present")
                XCTAssertEqual(set.images.storage.min(), 0)
                XCTAssertEqual(set.images.storage.max(), 1)
            }
        }
    }
}
