import Foundation
import GenOTFiles
import GenOTNN
import GenOTTensor

/// N×d point sets on disk: `.npy` (float32/float64, or integers, C order) or
/// `.csv` (one point per line, comma-separated numbers; a first line that is
/// not numeric is taken as a header). Chosen by the file's extension.
public enum PointCloud {
    /// Reads [N, d]. A 1-D .npy of length N is read as N points in d = 1.
    public static func read(from url: URL) throws -> Tensor {
        let loaded: Tensor
        switch url.pathExtension.lowercased() {
        case "npy":
            loaded = try NPY.read(from: url)
        case "csv":
            loaded = try readCSV(from: url)
        default:
            throw FileError(.wrongFormat, url, expected: "a name ending in .npy or .csv", found: "'.\(url.pathExtension)'")
        }
        // A 1-D array of length N is N points in d = 1; it gets the same checks.
        let points = loaded.rank == 1 ? loaded.reshaped([loaded.shape[0], 1]).detached() : loaded
        guard points.rank == 2 else {
            throw FileError(.wrongShape, url, expected: "an N×d array of points", found: "shape \(points.shape)")
        }
        guard points.shape[0] > 0, points.shape[1] > 0 else {
            throw FileError(.wrongShape, url, expected: "at least one point with at least one coordinate", found: "shape \(points.shape)")
        }
        if let bad = points.storage.firstIndex(where: { !$0.isFinite }) {
            throw FileError(.nonFinite, url, expected: "finite coordinates",
                            found: "point \(bad / points.shape[1]) has a non-finite coordinate (\(points.storage[bad]))")
        }
        return points
    }

    /// Writes [N, d] as .npy (float32) or .csv, replacing `url` atomically
    /// (.npy) or as a whole (.csv).
    public static func write(_ points: Tensor, to url: URL) throws {
        precondition(points.rank == 2, "points of shape \(points.shape)")
        switch url.pathExtension.lowercased() {
        case "npy":
            try NPY.write(points, to: url)
        case "csv":
            let d = points.shape[1]
            var text = ""
            for r in 0..<points.shape[0] {
                text += (0..<d).map { "\(points.storage[r * d + $0])" }.joined(separator: ",") + "\n"
            }
            try AtomicFile.write(Data(text.utf8), to: url)
        default:
            throw FileError(.wrongFormat, url, expected: "a name ending in .npy or .csv", found: "'.\(url.pathExtension)'")
        }
    }

    static func readCSV(from url: URL) throws -> Tensor {
        guard FileManager.default.fileExists(atPath: url.path) else { throw FileError(.missing, url, expected: "a .csv file", found: "no such file") }
        guard let text = String(data: try InputFile.contents(of: url), encoding: .utf8) else {
            throw FileError(.wrongFormat, url, expected: "UTF-8 text (comma-separated numbers)", found: "other bytes")
        }
        var values: [Float] = [], columns: Int? = nil, rows = 0
        for (index, rawLine) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            let numbers = fields.map { Float($0) }
            if numbers.contains(where: { $0 == nil }) {
                if rows == 0 && columns == nil { columns = fields.count; continue }   // a header
                let bad = fields[numbers.firstIndex { $0 == nil }!]
                throw FileError(.badValues, url, expected: "numbers", found: "'\(bad)' on line \(index + 1)")
            }
            if let columns, columns != numbers.count {
                throw FileError(.wrongShape, url, expected: "\(columns) values on line \(index + 1), like the lines before",
                                found: "\(numbers.count)")
            }
            columns = numbers.count
            values += numbers.map { $0! }
            rows += 1
        }
        guard rows > 0, let columns else { throw FileError(.badValues, url, expected: "at least one point", found: "none") }
        return Tensor(shape: [rows, columns], storage: values)
    }
}
