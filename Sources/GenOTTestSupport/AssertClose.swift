import GenOTTensor
import XCTest

/// The largest elementwise error of `actual` against `expected`, measured as
/// |a − e| − rtol·|e| (≤ atol means close), with where it happened.
public struct Closeness {
    public let worstExcess: Float
    public let worstIndex: Int
    public let actual: Float
    public let expected: Float
}

public func closeness(_ actual: [Float], _ expected: [Float], rtol: Float, atol: Float) -> Closeness {
    var result = Closeness(worstExcess: -.infinity, worstIndex: -1, actual: .nan, expected: .nan)
    for i in actual.indices {
        let excess = Swift.abs(actual[i] - expected[i]) - rtol * Swift.abs(expected[i]) - atol
        if excess > result.worstExcess || excess.isNaN {
            result = Closeness(worstExcess: excess.isNaN ? .infinity : excess, worstIndex: i,
                               actual: actual[i], expected: expected[i])
        }
    }
    return result
}

/// Fails when any element differs by more than atol + rtol·|expected|,
/// reporting the worst element: its index, both values and the error.
public func assertClose(_ actual: Tensor, _ expected: Tensor, rtol: Float = 1e-5, atol: Float = 1e-6,
                        _ message: String = "", file: StaticString = #filePath, line: UInt = #line) {
    guard actual.shape == expected.shape else {
        XCTFail("shape \(actual.shape) vs expected \(expected.shape) \(message)", file: file, line: line)
        return
    }
    assertClose(actual.storage, expected.storage, rtol: rtol, atol: atol, message, file: file, line: line)
}

public func assertClose(_ actual: [Float], _ expected: [Float], rtol: Float = 1e-5, atol: Float = 1e-6,
                        _ message: String = "", file: StaticString = #filePath, line: UInt = #line) {
    guard actual.count == expected.count else {
        XCTFail("\(actual.count) values vs \(expected.count) expected \(message)", file: file, line: line)
        return
    }
    let c = closeness(actual, expected, rtol: rtol, atol: atol)
    if c.worstExcess > 0 {
        XCTFail("not close at [\(c.worstIndex)]: \(c.actual) vs expected \(c.expected) "
                + "(|error| \(Swift.abs(c.actual - c.expected)), rtol \(rtol), atol \(atol)) \(message)",
                file: file, line: line)
    }
}
