import Foundation
import GenOTFiles
import XCTest
import GenOTTensor
@testable import GenOTNN

final class NPYTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("genot-npy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    /// An .npy file from hand-made parts: magic, `version`, the header length, `header`, `data`.
    private func npy(_ name: String, version: UInt8 = 1, header: String, data: [UInt8] = []) throws -> URL {
        let url = folder.appendingPathComponent(name)
        let headerBytes = Array(header.utf8)
        var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [version, 0]
        if version == 1 {
            bytes += withUnsafeBytes(of: UInt16(headerBytes.count).littleEndian) { Array($0) }
        } else {
            bytes += withUnsafeBytes(of: UInt32(headerBytes.count).littleEndian) { Array($0) }
        }
        try Data(bytes + headerBytes + data).write(to: url)
        return url
    }

    private func dict(_ descr: String, _ shape: String, fortran: String = "False") -> String {
        "{'descr': '\(descr)', 'fortran_order': \(fortran), 'shape': \(shape), }\n"
    }

    private func littleEndian<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] {
        values.flatMap { v in withUnsafeBytes(of: v.littleEndian) { Array($0) } }
    }

    /// Asserts that reading `url` fails with `kind`, and that the message names the file and `mentions`.
    private func assertRejects(_ url: URL, _ kind: FileError.Kind, mentions: [String],
                               file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try NPY.read(from: url), file: file, line: line) { error in
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

    func testFloat32RoundTripIsBitExactForEveryRank() throws {
        let awkward: [Float] = [-0.0, .infinity, .leastNonzeroMagnitude, Float(bitPattern: 0x7FC0_1234), 1.0 / 3.0, -2.5]
        for (k, tensor) in [Tensor(7.25), Tensor(shape: [0], storage: []), Tensor(shape: [6], storage: awkward),
                            Tensor(shape: [2, 0, 3], storage: []), Tensor(shape: [1, 2, 3], storage: awkward)].enumerated() {
            let url = folder.appendingPathComponent("a\(k).npy")
            try NPY.write(tensor, to: url)
            let read = try NPY.read(from: url)
            XCTAssertEqual(read.shape, tensor.shape)
            XCTAssertEqual(read.storage.map(\.bitPattern), tensor.storage.map(\.bitPattern))
        }
    }

    func testFloat64RoundTripWidensExactly() throws {
        let url = folder.appendingPathComponent("d.npy")
        let tensor = Tensor(shape: [2, 2], storage: [0.1, -3, .greatestFiniteMagnitude, 1e-30])
        try NPY.write(tensor, to: url, as: .float64)
        let bytes = [UInt8](try Data(contentsOf: url))
        XCTAssertTrue(String(decoding: bytes.prefix(128), as: UTF8.self).contains("'descr': '<f8'"))
        XCTAssertEqual(bytes.count, 128 + 4 * 8)
        XCTAssertEqual(Array(bytes[128...]), littleEndian(tensor.storage.map { Double($0).bitPattern }))
        XCTAssertEqual(try NPY.read(from: url).storage, tensor.storage)
    }

    // MARK: Byte layout

    func testHeaderIsByteForByteWhatNumpyWrites() throws {
        // np.save(f, np.arange(6, dtype='<f4').reshape(2, 3)) writes a 128-byte header, length 0x76.
        let url = folder.appendingPathComponent("arange.npy")
        try NPY.write(Tensor(shape: [2, 3], storage: [0, 1, 2, 3, 4, 5]), to: url)
        let bytes = [UInt8](try Data(contentsOf: url))
        XCTAssertEqual(Array(bytes[0..<10]), [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, 0x76, 0])
        let dictText = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"
        let expected = dictText + String(repeating: " ", count: 117 - dictText.count) + "\n"
        XCTAssertEqual(String(decoding: bytes[10..<128], as: UTF8.self), expected)
        XCTAssertEqual(Array(bytes[128...]), littleEndian([Float(0), 1, 2, 3, 4, 5].map(\.bitPattern)))
    }

    func testHeaderKeepsDataAlignedTo64Bytes() throws {
        for shape in [[], [5], [123_456_789_012, 0], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0]] {
            let url = folder.appendingPathComponent("aligned.npy")
            try NPY.write(Tensor(shape: shape, storage: [Float](repeating: 1, count: shape.reduce(1, *))), to: url)
            let bytes = [UInt8](try Data(contentsOf: url))
            let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            XCTAssertEqual((10 + headerLength) % 64, 0, "shape \(shape)")
            XCTAssertEqual(bytes[10 + headerLength - 1], UInt8(ascii: "\n"))
            XCTAssertEqual(try NPY.read(from: url).shape, shape)
        }
    }

    // MARK: What numpy and older writers produce

    func testReadsIntegerDTypesAndVersions2And3() throws {
        XCTAssertEqual(try NPY.read(from: npy("u1.npy", header: dict("|u1", "(3,)"), data: [0, 128, 255])).storage, [0, 128, 255])
        XCTAssertEqual(try NPY.read(from: npy("i1.npy", header: dict("|i1", "(2,)"), data: [0xFF, 0x80])).storage, [-1, -128])
        XCTAssertEqual(try NPY.read(from: npy("i4.npy", header: dict("<i4", "(2,)"), data: littleEndian([Int32(-7), 1 << 24]))).storage, [-7, 16_777_216])
        let i8 = try NPY.read(from: npy("i8.npy", version: 2, header: dict("<i8", "(1, 2)"), data: littleEndian([Int64(-3), 42])))
        XCTAssertEqual(i8.shape, [1, 2])
        XCTAssertEqual(i8.storage, [-3, 42])
        let v3 = try NPY.read(from: npy("v3.npy", version: 3, header: dict("<f4", "(1,)"), data: littleEndian([Float(2).bitPattern])))
        XCTAssertEqual(v3.storage, [2])
    }

    func testReadsPython2LongsDoubleQuotesAndOneDimensionalFortranOrder() throws {
        let header = #"{"descr": "<f4", "fortran_order": True, "shape": (2L,)}"#
        let read = try NPY.read(from: npy("py2.npy", header: header, data: littleEndian([Float(1).bitPattern, Float(2).bitPattern])))
        XCTAssertEqual(read.shape, [2])
        XCTAssertEqual(read.storage, [1, 2])
    }

    // MARK: Bad input

    func testRejectsShortFilesAndWrongMagicOrVersion() throws {
        assertRejects(folder.appendingPathComponent("absent.npy"), .missing, mentions: ["no such file"])
        let empty = folder.appendingPathComponent("empty.npy")
        try Data().write(to: empty)
        assertRejects(empty, .truncated, mentions: ["found 0 bytes", "10-byte preamble"])
        let png = folder.appendingPathComponent("image.npy")
        try Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0]).write(to: png)
        assertRejects(png, .wrongFormat, mentions: ["an .npy file", "found 89 50 4e 47 0d 0a"])
        assertRejects(try npy("v9.npy", version: 9, header: dict("<f4", "()")), .unsupported, mentions: ["version 9.0"])
    }

    func testRejectsTruncatedHeaderAndPayload() throws {
        let url = folder.appendingPathComponent("cut-header.npy")
        try Data([0x93] + Array("NUMPY".utf8) + [1, 0, 0x76, 0] + Array("{'descr'".utf8)).write(to: url)
        assertRejects(url, .truncated, mentions: ["a header of 118 bytes", "found 8 bytes"])

        assertRejects(try npy("cut.npy", header: dict("<f4", "(2, 3)"), data: .init(repeating: 0, count: 20)),
                      .truncated, mentions: ["(2, 3)", "'<f4'", "24 bytes of data", "found 20"])
        assertRejects(try npy("long.npy", header: dict("<f4", "(1,)"), data: .init(repeating: 0, count: 6)),
                      .trailingData, mentions: ["2 bytes after"])
    }

    func testRejectsMalformedHeaders() throws {
        assertRejects(try npy("syntax.npy", header: "{'descr': '<f4', 'shape': (2, 3}"), .corrupt, mentions: ["Python dict literal"])
        assertRejects(try npy("nodict.npy", header: "[1, 2]"), .corrupt, mentions: ["expected a dict"])
        assertRejects(try npy("noshape.npy", header: "{'descr': '<f4', 'fortran_order': False}"), .corrupt, mentions: ["no 'shape'"])
        assertRejects(try npy("negative.npy", header: dict("<f4", "(2, -1)")), .corrupt, mentions: ["non-negative"])
        assertRejects(try npy("scalarshape.npy", header: dict("<f4", "5")), .corrupt, mentions: ["tuple"])
        assertRejects(try npy("fortranword.npy", header: dict("<f4", "(1,)", fortran: "'yes'")), .corrupt, mentions: ["fortran_order"])
        assertRejects(try npy("huge.npy", header: dict("<f4", "(9223372036854775807, 4, 0)")), .tooLarge, mentions: ["more elements"])
    }

    func testRejectsFortranOrderBigEndianAndUnknownDTypes() throws {
        assertRejects(try npy("fortran.npy", header: dict("<f4", "(2, 3)", fortran: "True"), data: .init(repeating: 0, count: 24)),
                      .unsupported, mentions: ["fortran_order True", "(2, 3)"])
        assertRejects(try npy("big.npy", header: dict(">f4", "(1,)"), data: [0, 0, 0, 0]),
                      .unsupported, mentions: ["'>f4', which is big-endian"])
        assertRejects(try npy("complex.npy", header: dict("<c8", "(1,)"), data: .init(repeating: 0, count: 8)),
                      .unsupported, mentions: ["'<c8'", "'<f4'"])
        assertRejects(try npy("record.npy", header: "{'descr': [('x', '<f4')], 'fortran_order': False, 'shape': (1,), }", data: [0, 0, 0, 0]),
                      .unsupported, mentions: ["structured"])
    }
}
