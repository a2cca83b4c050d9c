import Foundation
import GenOTFiles
import GenOTTensor
import GenOTTestSupport
import XCTest
@testable import GenOTNN

/// Random bytes and broken headers fed to the .npy and safetensors readers:
/// a `FileError` every time, never a trap or a huge allocation.
final class MalformedFileTests: XCTestCase {
    func check(_ valid: [UInt8], name: String, headerLength: Int, read: (URL) throws -> Void) throws {
        let folder = try makeTemporaryFolder(self)
        for (k, variant) in malformedVariants(of: valid, headerLength: headerLength, seed: 11).enumerated() {
            let file = folder.appendingPathComponent("\(k)-\(name)")
            try Data(variant).write(to: file)
            do { try read(file) } catch is FileError {} catch {
                XCTFail("\(file.lastPathComponent): unexpected error \(error)")
            }
        }
        XCTAssertThrowsError(try read(folder)) { error in
            XCTAssertTrue("\(error)".contains("expected a file, found a folder"), "\(error)")
        }
        XCTAssertThrowsError(try read(URL(fileURLWithPath: "/dev/null"))) { error in
            XCTAssertTrue("\(error)".contains("found a device"), "\(error)")
        }
    }

    func testMalformedNPYFilesGiveErrors() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("genot-npy-\(UUID().uuidString).npy")
        defer { try? FileManager.default.removeItem(at: folder) }
        try NPY.write(Tensor(shape: [4, 3], storage: (0..<12).map(Float.init)), to: folder)
        try check([UInt8](try Data(contentsOf: folder)), name: "a.npy", headerLength: 128) { _ = try NPY.read(from: $0) }
    }

    func testMalformedSafetensorsFilesGiveErrors() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("genot-st-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: folder) }
        try Safetensors.write([("w", Tensor(shape: [2, 3], storage: [1, 2, 3, 4, 5, 6])), ("b", Tensor(shape: [2], storage: [0, 1]))],
                              metadata: ["kind": "test"], to: folder)
        try check([UInt8](try Data(contentsOf: folder)), name: "a.safetensors", headerLength: 160) { url in
            let file = try Safetensors.read(from: url)
            for name in file.names { _ = try file.tensor(name) }
        }
    }
}
