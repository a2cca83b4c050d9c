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
            throw PointCloudError(url, "unknown extension '.\(url.pathExtension)', expected .npy or .csv")
        }
        // A 1-D array of length N is N points in d = 1; it gets the same checks.
        let points = loaded.rank == 1 ? loaded.reshaped([loaded.shape[0], 1]).detached() : loaded
        guard points.rank == 2 else {
            throw PointCloudError(url, "expected an N×d array of points, found shape \(points.shape)")
        }
        guard points.shape[0] > 0, points.shape[1] > 0 else {
            throw PointCloudError(url, "expected at least one point with at least one coordinate, found shape \(points.shape)")
        }
        if let bad = points.storage.firstIndex(where: { !$0.isFinite }) {
            throw PointCloudError(url, "point \(bad / points.shape[1]) has a non-finite coordinate (\(points.storage[bad]))")
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
            do { try AtomicFile.write(Data(text.utf8), to: url) } catch {
                throw PointCloudError(url, "cannot write: \(error.localizedDescription)")
            }
        default:
            throw PointCloudError(url, "unknown extension '.\(url.pathExtension)', expected .npy or .csv")
        }
    }

    static func readCSV(from url: URL) throws -> Tensor {
        guard FileManager.default.fileExists(atPath: url.path) else { throw PointCloudError(url, "no such file") }
        guard let text = String(data: try InputFile.contents(of: url), encoding: .utf8) else {
            throw PointCloudError(url, "expected UTF-8 text (comma-separated numbers), found other bytes")
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
                throw PointCloudError(url, "line \(index + 1): '\(bad)' is not a number")
            }
            if let columns, columns != numbers.count {
                throw PointCloudError(url, "line \(index + 1) has \(numbers.count) values, expected \(columns) like the lines before")
            }
            columns = numbers.count
            values += numbers.map { $0! }
            rows += 1
        }
        guard rows > 0, let columns else { throw PointCloudError(url, "no points found") }
        return Tensor(shape: [rows, columns], storage: values)
    }
}

/// A point-set file that cannot be used: names the file and what is wrong.
public struct PointCloudError: Error, CustomStringConvertible, LocalizedError {
    public let file: URL
    public let detail: String
    public init(_ file: URL, _ detail: String) {
        self.file = file
        self.detail = detail
    }
    public var description: String { "\(file.relativePath): \(detail)" }
    public var errorDescription: String? { description }
}
