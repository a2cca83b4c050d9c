import Foundation
import GenOTFiles
import XCTest
import GenOTTensor
@testable import GenOTNN

final class SafetensorsTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("genot-safetensors-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    /// Values whose bits a lossy path would change: signed zero, infinities,
    /// a subnormal, a NaN with a payload, the extremes.
    private let awkward: [Float] = [-0.0, .infinity, -.infinity, .leastNonzeroMagnitude,
                                    Float(bitPattern: 0x7FC0_1234), .greatestFiniteMagnitude, 1.0 / 3.0, -2.5]

    private func assertBitExact(_ a: Tensor, _ b: Tensor, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.shape, b.shape, file: file, line: line)
        XCTAssertEqual(a.storage.map(\.bitPattern), b.storage.map(\.bitPattern), file: file, line: line)
    }

    /// A file from hand-made parts: the 8-byte length prefix, `header` as is, then `data`.
    private func file(_ name: String, header: String, data: [UInt8] = []) throws -> URL {
        let url = folder.appendingPathComponent(name)
        var bytes = withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { Array($0) }
        bytes += Array(header.utf8) + data
        try Data(bytes).write(to: url)
        return url
    }

    /// Asserts that reading `url` fails with `kind`, and that the message names the file and `mentions`.
    private func assertRejects(_ url: URL, _ kind: FileError.Kind, mentions: [String],
                               file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try Safetensors.read(from: url), file: file, line: line) { error in
            guard let error = error as? FileError else {
                return XCTFail("expected a FileError, got \(error)", file: file, line: line)
            }
            XCTAssertEqual(error.kind, kind, "\(error)", file: file, line: line)
            for text in [url.lastPathComponent] + mentions {
                XCTAssertTrue(error.description.contains(text), "'\(error)' should mention '\(text)'", file: file, line: line)
            }
        }
    }

    // MARK: Round trips

    func testRoundTripIsBitExactWithMetadataScalarAndZeroSize() throws {
        let url = folder.appendingPathComponent("model.safetensors")
        let weight = Tensor(shape: [2, 4], storage: awkward)
        let bias = Tensor(shape: [3], storage: [1, 2, 3])
        let scalar = Tensor(7.25)
        let empty = Tensor(shape: [0, 3], storage: [])
        let metadata = ["config": #"{"lr": 0.001, "name": "vae\n\"x\""}"#, "step": "1200", "unicode": "σ² ✓"]
        try Safetensors.write([("enc.weight", weight), ("enc.bias", bias), ("scale", scalar), ("empty", empty)],
                              metadata: metadata, to: url)

        let read = try Safetensors.read(from: url)
        XCTAssertEqual(read.names, ["empty", "enc.bias", "enc.weight", "scale"])
        XCTAssertEqual(read.metadata, metadata)
        assertBitExact(read.tensors["enc.weight"]!, weight)   // holds inf and NaN, which `tensor(_:)` refuses
        assertBitExact(try read.tensor("enc.bias"), bias)
        assertBitExact(try read.tensor("scale", shape: []), scalar)
        assertBitExact(try read.tensor("empty", shape: [0, 3]), empty)
    }

    func testEmptyCheckpointRoundTrips() throws {
        let url = folder.appendingPathComponent("none.safetensors")
        try Safetensors.write([], to: url)
        let read = try Safetensors.read(from: url)
        XCTAssertTrue(read.tensors.isEmpty)
        XCTAssertTrue(read.metadata.isEmpty)
    }

    func testReadsF64AsFloat() throws {
        let values: [Double] = [0.1, -3, 1e300]
        let data = values.flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) } }
        let url = try file("f64.safetensors",
                           header: #"{"x":{"dtype":"F64","shape":[3],"data_offsets":[0,24]}}"#, data: data)
        let file = try Safetensors.read(from: url)
        XCTAssertEqual(file.tensors["x"]!.storage, [Float(0.1), -3, .infinity])
        // A model never takes the overflowed value as a weight.
        XCTAssertThrowsError(try file.tensor("x")) { error in
            XCTAssertEqual((error as? FileError)?.kind, .nonFinite)
            XCTAssertTrue("\(error)".contains("tensor 'x', found inf at element 2"), "\(error)")
        }
    }

    func testOverlappingAndUnsortedOffsetsAreAccepted() throws {
        let data = [Float(1), 2, 3].flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) } }
        let header = #"{"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#
        let read = try Safetensors.read(from: try file("overlap.safetensors", header: header, data: data))
        XCTAssertEqual(try read.tensor("a").storage, [1, 2])
        XCTAssertEqual(try read.tensor("b").storage, [2, 3])
    }

    // MARK: Byte layout

    func testHeaderLayoutMatchesPythonSafetensors() throws {
        let url = folder.appendingPathComponent("layout.safetensors")
        try Safetensors.write([("b", Tensor(shape: [2], storage: [1, -2])), ("a", Tensor(0.5))],
                              metadata: ["k": "v"], to: url)
        let bytes = [UInt8](try Data(contentsOf: url))

        let length = bytes[0..<8].reversed().reduce(0) { $0 << 8 | Int($1) }
        XCTAssertEqual((8 + length) % 8, 0, "data section must start 8-byte aligned")
        let header = String(decoding: bytes[8..<(8 + length)], as: UTF8.self)
        let json = #"{"__metadata__":{"k":"v"},"a":{"dtype":"F32","shape":[],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#
        XCTAssertEqual(header, json + String(repeating: " ", count: length - json.utf8.count))
        XCTAssertLessThan(length - json.utf8.count, 8)

        // a = 0.5 (0x3F000000), then b = [1 (0x3F800000), -2 (0xC0000000)], little-endian.
        XCTAssertEqual(Array(bytes[(8 + length)...]),
                       [0, 0, 0, 0x3F, 0, 0, 0x80, 0x3F, 0, 0, 0, 0xC0])
    }

    // MARK: Bad input

    func testRejectsMissingAndShortFiles() throws {
        assertRejects(folder.appendingPathComponent("absent.safetensors"), .missing, mentions: ["no such file"])
        let empty = folder.appendingPathComponent("empty.safetensors")
        try Data().write(to: empty)
        assertRejects(empty, .truncated, mentions: ["found 0 bytes", "8-byte header length"])
        let five = folder.appendingPathComponent("five.safetensors")
        try Data([1, 2, 3, 4, 5]).write(to: five)
        assertRejects(five, .truncated, mentions: ["found 5 bytes"])
    }

    func testRejectsHeaderLongerThanFile() throws {
        let url = folder.appendingPathComponent("short-header.safetensors")
        var bytes = withUnsafeBytes(of: UInt64(1000).littleEndian) { Array($0) }
        bytes += Array(#"{"x":"#.utf8)
        try Data(bytes).write(to: url)
        assertRejects(url, .truncated, mentions: ["a header of 1000 bytes", "found 5 bytes after"])
    }

    func testRejectsTruncatedData() throws {
        let url = folder.appendingPathComponent("cut.safetensors")
        try Safetensors.write([("w", Tensor.ones([16, 16]))], to: url)
        let bytes = try Data(contentsOf: url)
        try bytes.prefix(bytes.count - 512).write(to: url)
        assertRejects(url, .truncated, mentions: ["expected 1024 bytes of tensor data (as the header says), found 512"])
    }

    func testRejectsCorruptHeaders() throws {
        assertRejects(try file("json.safetensors", header: #"{"x": {"dtype": "F32",,}"#),
                      .corrupt, mentions: ["valid JSON"])
        assertRejects(try file("array.safetensors", header: "[1, 2]"),
                      .corrupt, mentions: ["JSON object", "[1,2]"])
        assertRejects(try file("nodtype.safetensors", header: #"{"w":{"shape":[1],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0]),
                      .corrupt, mentions: ["'w'", "no 'dtype'"])
        assertRejects(try file("noshape.safetensors", header: #"{"w":{"dtype":"F32","data_offsets":[0,4]}}"#, data: [0, 0, 0, 0]),
                      .corrupt, mentions: ["'w'", "no 'shape'"])
        assertRejects(try file("negative.safetensors", header: #"{"w":{"dtype":"F32","shape":[2,-1],"data_offsets":[0,0]}}"#),
                      .corrupt, mentions: ["'w'", "non-negative", "[2,-1]"])
        assertRejects(try file("boolean.safetensors", header: #"{"w":{"dtype":"F32","shape":[true],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0]),
                      .corrupt, mentions: ["'w'", "[true]"])
        assertRejects(try file("offsets.safetensors", header: #"{"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,20]}}"#, data: .init(repeating: 0, count: 24)),
                      .corrupt, mentions: ["'w'", "20 bytes", "hold 24 bytes"])
        assertRejects(try file("backwards.safetensors", header: #"{"w":{"dtype":"F32","shape":[0],"data_offsets":[8,4]}}"#, data: .init(repeating: 0, count: 8)),
                      .corrupt, mentions: ["'w'", "[8,4]"])
        assertRejects(try file("huge.safetensors", header: #"{"w":{"dtype":"F32","shape":[9223372036854775807,4,0],"data_offsets":[0,0]}}"#),
                      .tooLarge, mentions: ["'w'", "fit in memory"])
        assertRejects(try file("meta.safetensors", header: #"{"__metadata__":{"epochs":3}}"#),
                      .corrupt, mentions: ["__metadata__", "strings"])
    }

    func testRejectsOtherDTypesNamingTensorAndDType() throws {
        let url = try file("half.safetensors", header: #"{"enc.w":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0])
        assertRejects(url, .unsupported, mentions: ["'enc.w'", "F16", "F32 or F64"])
    }

    func testMissingTensorListsAvailableNames() throws {
        let url = folder.appendingPathComponent("few.safetensors")
        try Safetensors.write((0..<7).map { ("layer\($0)", Tensor(Float($0))) }, to: url)
        let read = try Safetensors.read(from: url)
        XCTAssertThrowsError(try read.tensor("decoder.w")) { error in
            let error = error as! FileError
            XCTAssertEqual(error.kind, .badValues)
            XCTAssertEqual(error.description,
                           "\(url.relativePath): bad values: expected a tensor named 'decoder.w', found only 'layer0', 'layer1', 'layer2', 'layer3', 'layer4' and 2 more")
        }
    }

    func testShapeMismatchNamesBothShapes() throws {
        let url = folder.appendingPathComponent("shape.safetensors")
        try Safetensors.write([("w", Tensor.zeros([3, 4]))], to: url)
        XCTAssertThrowsError(try Safetensors.read(from: url).tensor("w", shape: [4, 3])) { error in
            XCTAssertEqual((error as? FileError)?.kind, .wrongShape)
            XCTAssertTrue("\(error)".hasSuffix("shape.safetensors: wrong shape: expected tensor 'w' of shape [4, 3], found [3, 4]"), "\(error)")
        }
    }

    // MARK: Writing

    func testFailedWriteKeepsThePreviousFileAndLeavesNoTemporaries() throws {
        let url = folder.appendingPathComponent("keep.safetensors")
        try Safetensors.write([("w", Tensor(1))], to: url)
        let before = try Data(contentsOf: url)

        XCTAssertThrowsError(try Safetensors.write([("w", Tensor(2)), ("w", Tensor(3))], to: url)) { error in
            XCTAssertEqual((error as? FileError)?.kind, .badValues)
            XCTAssertTrue("\(error)".contains("'w' twice"), "\(error)")
        }
        XCTAssertThrowsError(try Safetensors.write([("__metadata__", Tensor(2))], to: url))
        XCTAssertEqual(try Data(contentsOf: url), before)

        try Safetensors.write([("w", Tensor(4))], to: url)
        XCTAssertEqual(try Safetensors.read(from: url).tensor("w").storage, [4])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["keep.safetensors"])
    }

    func testWriteIntoMissingFolderNamesTheFile() {
        let url = folder.appendingPathComponent("no/such/dir/x.safetensors")
        XCTAssertThrowsError(try Safetensors.write([("w", Tensor(1))], to: url)) { error in
            XCTAssertEqual((error as? FileError)?.kind, .unwritable)
            XCTAssertTrue("\(error)".contains("x.safetensors: cannot write: expected an existing folder"), "\(error)")
        }
    }
}
