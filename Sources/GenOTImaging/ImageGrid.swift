/// Tiles grayscale images in [0, 1] into one 8-bit grayscale picture.
///
/// Layout: cells of `imageWidth x imageHeight`, `padding` pixels of
/// `background` between cells and around the border, so a grid of R rows and
/// C columns is `C*imageWidth + (C+1)*padding` wide and
/// `R*imageHeight + (R+1)*padding` high. Values are clamped to [0, 1] (NaN
/// shows as 0) and rounded to bytes. The result is a 1-channel `PNGImage`,
/// ready for `PNG.write(_:to:)`.
public enum ImageGrid {
    /// Images in reading order, `columns` per row; the last row may be short.
    public static func make(images: [[Float]], imageWidth: Int, imageHeight: Int, columns: Int,
                            padding: Int = 2, background: Float = 1) -> PNGImage
    {
        let size = imageWidth * imageHeight
        precondition(images.allSatisfy { $0.count == size },
                     "every image must have \(imageWidth)x\(imageHeight) = \(size) values")
        precondition(columns > 0, "columns must be positive, got \(columns)")
        let rowCount = (images.count + columns - 1) / columns
        return render(rows: rowCount, columns: columns, imageWidth: imageWidth, imageHeight: imageHeight,
                      padding: padding, background: background) { row, column in
            let k = row * columns + column
            return k < images.count ? images[k][...] : nil
        }
    }

    /// `count` images stored back to back in `flat` (e.g. a tensor's storage
    /// of shape `[count, 1, imageHeight, imageWidth]`), `columns` per row.
    public static func make(flat: [Float], count: Int, imageWidth: Int, imageHeight: Int, columns: Int,
                            padding: Int = 2, background: Float = 1) -> PNGImage
    {
        let size = imageWidth * imageHeight
        precondition(flat.count == count * size,
                     "\(flat.count) values for \(count) images of \(imageWidth)x\(imageHeight)")
        precondition(columns > 0, "columns must be positive, got \(columns)")
        let rowCount = (count + columns - 1) / columns
        return render(rows: rowCount, columns: columns, imageWidth: imageWidth, imageHeight: imageHeight,
                      padding: padding, background: background) { row, column in
            let k = row * columns + column
            return k < count ? flat[(k * size)..<((k + 1) * size)] : nil
        }
    }

    /// One grid row per entry of `rows` (for example one row per class); the
    /// grid is as wide as the longest row and shorter rows end in background.
    public static func make(rows: [[[Float]]], imageWidth: Int, imageHeight: Int,
                            padding: Int = 2, background: Float = 1) -> PNGImage
    {
        let size = imageWidth * imageHeight
        precondition(rows.allSatisfy { $0.allSatisfy { $0.count == size } },
                     "every image must have \(imageWidth)x\(imageHeight) = \(size) values")
        let columns = max(rows.map(\.count).max() ?? 0, 1)
        return render(rows: rows.count, columns: columns, imageWidth: imageWidth, imageHeight: imageHeight,
                      padding: padding, background: background) { row, column in
            column < rows[row].count ? rows[row][column][...] : nil
        }
    }

    /// Fills the canvas with background and copies in each cell `cell` returns.
    static func render(rows: Int, columns: Int, imageWidth: Int, imageHeight: Int, padding: Int,
                       background: Float, cell: (_ row: Int, _ column: Int) -> ArraySlice<Float>?) -> PNGImage
    {
        precondition(imageWidth > 0 && imageHeight > 0 && padding >= 0,
                     "bad grid cell \(imageWidth)x\(imageHeight), padding \(padding)")
        let rows = max(rows, 1)
        let width = columns * imageWidth + (columns + 1) * padding
        let height = rows * imageHeight + (rows + 1) * padding
        var pixels = [UInt8](repeating: byte(background), count: width * height)
        for row in 0..<rows {
            for column in 0..<columns {
                guard let values = cell(row, column) else { continue }
                let left = padding + column * (imageWidth + padding)
                let top = padding + row * (imageHeight + padding)
                var index = values.startIndex
                for y in 0..<imageHeight {
                    let rowStart = (top + y) * width + left
                    for x in 0..<imageWidth {
                        pixels[rowStart + x] = byte(values[index])
                        index += 1
                    }
                }
            }
        }
        return PNGImage(width: width, height: height, channels: 1, pixels: pixels)
    }

    /// [0, 1] → 0...255, clamped, NaN → 0.
    static func byte(_ value: Float) -> UInt8 {
        guard !value.isNaN else { return 0 }
        return UInt8((min(max(value, 0), 1) * 255).rounded())
    }
}
