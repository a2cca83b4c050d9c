import Foundation
import GenOTFiles
import XCTest

/// Asserts `body` throws a `FileError` of `kind` about `file` whose message
/// names the file and contains `words`: the checks every reader's tests share.
public func assertFileError(_ kind: FileError.Kind, _ file: URL, _ words: String,
                            line: UInt = #line, _ body: () throws -> Void)
{
    do {
        try body()
        XCTFail("expected FileError.\(kind), got no error", line: line)
    } catch let error as FileError {
        XCTAssertEqual(error.kind, kind, "\(error)", line: line)
        XCTAssertEqual(error.file, file, line: line)
        XCTAssertTrue(error.description.contains(file.relativePath), "message does not name the file: \(error)", line: line)
        XCTAssertTrue(error.description.contains(kind.rawValue), "\(error)", line: line)
        XCTAssertTrue(error.description.contains(words), "message lacks '\(words)': \(error)", line: line)
    } catch {
        XCTFail("expected FileError, got \(error)", line: line)
    }
}
