import CBLAS

/// Symmetric eigendecomposition through LAPACK's dsyevd (Float64), and the
/// matrix functions built on it. Matrices are row-major [n·n] arrays.
public enum SymmetricEigen {
    public struct Decomposition: Sendable {
        /// Eigenvalues, ascending.
        public let values: [Double]
        /// Row-major [n, n]; column j is the eigenvector of values[j].
        public let vectors: [Double]
        public let size: Int
    }

    public struct LAPACKError: Error, CustomStringConvertible {
        public let info: Int32
        public var description: String { "LAPACK dsyevd failed (info = \(info)): the matrix is not a valid symmetric matrix" }
    }

    /// Eigenvalues and eigenvectors of a symmetric matrix (only symmetry of
    /// the input is assumed; NaNs give an error).
    public static func decompose(_ matrix: [Double], size n: Int) throws -> Decomposition {
        precondition(matrix.count == n * n, "decompose: \(matrix.count) values for a \(n)×\(n) matrix")
        guard n > 0 else { return Decomposition(values: [], vectors: [], size: 0) }
        // LAPACK is column-major; a symmetric matrix reads the same either way,
        // and the returned columns-as-eigenvectors come back transposed.
        var a = matrix
        var w = [Double](repeating: 0, count: n)
        var size = Int32(n), lda = Int32(n), info: Int32 = 0
        var jobz = Int8(UInt8(ascii: "V")), uplo = Int8(UInt8(ascii: "U"))
        // Workspace query, then the real call.
        var workQuery = 0.0, iworkQuery: Int32 = 0, lwork: Int32 = -1, liwork: Int32 = -1
        dsyevd_(&jobz, &uplo, &size, &a, &lda, &w, &workQuery, &lwork, &iworkQuery, &liwork, &info, 1, 1)
        guard info == 0 else { throw LAPACKError(info: info) }
        lwork = Int32(workQuery); liwork = iworkQuery
        var work = [Double](repeating: 0, count: Int(lwork)), iwork = [Int32](repeating: 0, count: Int(liwork))
        dsyevd_(&jobz, &uplo, &size, &a, &lda, &w, &work, &lwork, &iwork, &liwork, &info, 1, 1)
        guard info == 0 else { throw LAPACKError(info: info) }
        // a holds eigenvectors as columns in column-major order = rows in row-major.
        var vectors = [Double](repeating: 0, count: n * n)
        for i in 0..<n { for j in 0..<n { vectors[i * n + j] = a[j * n + i] } }
        return Decomposition(values: w, vectors: vectors, size: n)
    }

    /// Q f(Λ) Qᵀ for a symmetric matrix: matrix functions such as √M, M^{-1/2}.
    public static func apply(_ matrix: [Double], size n: Int, _ f: (Double) -> Double) throws -> [Double] {
        let e = try decompose(matrix, size: n)
        var result = [Double](repeating: 0, count: n * n)
        for k in 0..<n {
            let fk = f(e.values[k])
            for i in 0..<n {
                let qik = e.vectors[i * n + k] * fk
                for j in 0..<n { result[i * n + j] += qik * e.vectors[j * n + k] }
            }
        }
        return result
    }

    /// The symmetric positive semi-definite square root (negative rounding
    /// noise in eigenvalues is clamped to 0).
    public static func squareRoot(_ matrix: [Double], size n: Int) throws -> [Double] {
        try apply(matrix, size: n) { $0 > 0 ? $0.squareRoot() : 0 }
    }
}
