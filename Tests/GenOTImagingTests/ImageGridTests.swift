import XCTest
@testable import GenOTImaging

final class ImageGridTests: XCTestCase {
    /// A 2x2 image filled with one value.
    private func tile(_ value: Float) -> [Float] { [value, value, value, value] }

    func testLayoutWithPaddingAndShortLastRow() {
        // 3 images, 2 columns, padding 1: (2*2 + 3) x (2*2 + 3) = 7x7.
        let grid = ImageGrid.make(images: [tile(0), tile(0.2), tile(1)], imageWidth: 2, imageHeight: 2,
                                  columns: 2, padding: 1, background: 0.6)
        XCTAssertEqual([grid.width, grid.height, grid.channels], [7, 7, 1])
        let p = { (x: Int, y: Int) in grid.pixels[y * 7 + x] }
        XCTAssertEqual(p(0, 0), 153)                       // border: 0.6 * 255
        XCTAssertEqual([p(1, 1), p(2, 1), p(1, 2), p(2, 2)], [0, 0, 0, 0])   // image 0
        XCTAssertEqual(p(3, 1), 153)                       // padding between columns
        XCTAssertEqual([p(4, 1), p(5, 2)], [51, 51])       // image 1 (0.2 * 255)
        XCTAssertEqual([p(1, 4), p(2, 5)], [255, 255])     // image 2, second row
        XCTAssertEqual([p(4, 4), p(5, 5)], [153, 153])     // empty cell is background
        XCTAssertEqual(p(6, 6), 153)
    }

    func testFlatInputMatchesNestedInput() {
        let images = [tile(0.1), tile(0.5), tile(0.9)]
        let nested = ImageGrid.make(images: images, imageWidth: 2, imageHeight: 2, columns: 3)
        let flat = ImageGrid.make(flat: images.flatMap { $0 }, count: 3, imageWidth: 2, imageHeight: 2, columns: 3)
        XCTAssertEqual(nested, flat)
        XCTAssertEqual([nested.width, nested.height], [3 * 2 + 4 * 2, 2 + 2 * 2])
    }

    func testOneRowPerClass() {
        let rows = [[tile(0)], [tile(1), tile(1), tile(1)]]
        let grid = ImageGrid.make(rows: rows, imageWidth: 2, imageHeight: 2, padding: 0, background: 0.5)
        XCTAssertEqual([grid.width, grid.height], [6, 4])
        XCTAssertEqual(Array(grid.pixels[0..<6]), [0, 0, 128, 128, 128, 128])
        XCTAssertEqual(Array(grid.pixels[12..<18]), [255, 255, 255, 255, 255, 255])
    }

    func testValuesAreClampedAndNaNIsBlack() {
        let grid = ImageGrid.make(images: [[-1, 2, .nan, 0.5]], imageWidth: 2, imageHeight: 2,
                                  columns: 1, padding: 0)
        XCTAssertEqual(grid.pixels, [0, 255, 0, 128])
    }
}
