import Foundation
import GenOTApps
import GenOTFiles
import GenOTModels
import GenOTNN
import GenOTTensor
import GenOTTestSupport
import GenOTTransport
import XCTest

/// Inputs that could trap or write NaN with exit 0: each is an error that
/// says what was expected and what was found.
final class HostilePointCloudTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("genot-hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    func npy(_ name: String, _ tensor: Tensor) throws -> URL {
        let url = folder.appendingPathComponent(name)
        try NPY.write(tensor, to: url)
        return url
    }

    /// A 1-D array gets the same checks as an N×d one: no NaN, no empty set.
    func testOneDimensionalArraysAreChecked() throws {
        XCTAssertEqual(try PointCloud.read(from: npy("ok.npy", Tensor(shape: [3], storage: [1, 2, 3]))).shape, [3, 1])
        XCTAssertThrowsError(try PointCloud.read(from: npy("nan.npy", Tensor(shape: [3], storage: [1, .nan, 3])))) { error in
            XCTAssertTrue("\(error)".contains("point 1 has a non-finite coordinate (nan)"), "\(error)")
        }
        XCTAssertThrowsError(try PointCloud.read(from: npy("empty.npy", Tensor(shape: [0], storage: [])))) { error in
            XCTAssertTrue("\(error)".contains("expected at least one point"), "\(error)")
        }
    }

    /// A point cloud in 5000 dimensions is refused before a network that wide is built.
    func testFitBoundsTheDimension() throws {
        let wide = try npy("wide.npy", Tensor(shape: [3, 5000], storage: [Float](repeating: 1, count: 15000)))
        XCTAssertThrowsError(try PointCloudTransport.fit(source: wide, target: wide, config: TransportPreset.pointCloud,
                                                         output: folder.appendingPathComponent("m.safetensors"), log: { _ in })) { error in
            XCTAssertTrue("\(error)".contains("expected points of at most 4096 coordinates, found 5000"), "\(error)")
        }
    }

    /// `map` refuses to write over its own input or model.
    func testMapRefusesToOverwriteItsInputs() throws {
        var random = SeededRandom(seed: 3)
        let points = try npy("points.npy", random.normal([10, 2]))
        let model = folder.appendingPathComponent("map.safetensors")
        try TransportPotential(dimension: 2, width: 4, depth: 1, using: &random).save(to: model)
        let before = try Data(contentsOf: points)
        let linked = folder.appendingPathComponent("linked.npy"), hardLinked = folder.appendingPathComponent("hard.npy")
        try FileManager.default.createSymbolicLink(at: linked, withDestinationURL: points)
        try FileManager.default.linkItem(at: points, to: hardLinked)
        for output in [points, model, folder.appendingPathComponent("./points.npy"), linked, hardLinked] {
            XCTAssertThrowsError(try PointCloudTransport.map(model: model, input: points, inverse: false, output: output)) { error in
                XCTAssertTrue("\(error)".contains("found the input"), "\(error)")
            }
        }
        XCTAssertEqual(try Data(contentsOf: points), before)
    }

    /// Random bytes and broken lines in a .csv: an error each time.
    func testMalformedCSVFilesGiveErrors() throws {
        let valid = Array("x,y\n1,2\n3.5,-4\n5e3,6\n".utf8)
        for (k, variant) in malformedVariants(of: valid, headerLength: valid.count, seed: 5).enumerated() {
            let file = folder.appendingPathComponent("\(k).csv")
            try Data(variant).write(to: file)
            do { _ = try PointCloud.read(from: file) } catch is FileError {} catch {
                XCTFail("\(k).csv: unexpected error \(error)")
            }
        }
    }
}
