import CBLAS
import Foundation

/// A real symmetric n×n matrix in Float64 (row-major; symmetric, so also
/// column-major, which is what LAPACK reads), and the matrix functions the
/// Gaussian OT map and the Fréchet distance need: f(S) = V f(Λ) Vᵀ.
public struct SymmetricMatrix: Sendable, Equatable {
    public let size: Int
    /// size × size, row-major.
    public let values: [Double]

    /// `values` is symmetrised as (S + Sᵀ)/2, which removes rounding asymmetry.
    public init(size: Int, values: [Double]) {
        precondition(values.count == size * size, "\(values.count) values for a \(size)×\(size) matrix")
        var symmetric = values
        for i in 0..<size {
            for j in (i + 1)..<size {
                let mean = (values[i * size + j] + values[j * size + i]) / 2
                symmetric[i * size + j] = mean
                symmetric[j * size + i] = mean
            }
        }
        self.size = size
        self.values = symmetric
    }

    public static func identity(_ n: Int) -> SymmetricMatrix {
        var values = [Double](repeating: 0, count: n * n)
        for i in 0..<n { values[i * n + i] = 1 }
        return SymmetricMatrix(size: n, values: values)
    }

    public static func diagonal(_ entries: [Double]) -> SymmetricMatrix {
        let n = entries.count
        var values = [Double](repeating: 0, count: n * n)
        for i in 0..<n { values[i * n + i] = entries[i] }
        return SymmetricMatrix(size: n, values: values)
    }

    public subscript(row: Int, column: Int) -> Double { values[row * size + column] }

    public var trace: Double { (0..<size).reduce(0) { $0 + values[$1 * size + $1] } }

    /// S = V Λ Vᵀ: eigenvalues ascending, `vectors` row-major with column k
    /// the k-th unit eigenvector. LAPACK dsyevd (divide and conquer).
    public func eigen() throws -> (eigenvalues: [Double], vectors: [Double]) {
        var n = Int32(size), lda = Int32(Swift.max(size, 1)), info: Int32 = 0
        if size == 0 { return ([], []) }
        var a = values
        var w = [Double](repeating: 0, count: size)
        // Workspace query (lwork = liwork = −1), then the real call.
        var workSize = 0.0, iworkSize: Int32 = 0, query: Int32 = -1
        var jobz = CChar(UInt8(ascii: "V")), uplo = CChar(UInt8(ascii: "U"))
        dsyevd_(&jobz, &uplo, &n, &a, &lda, &w, &workSize, &query, &iworkSize, &query, &info, 1, 1)
        guard info == 0 else { throw LinearAlgebraError(routine: "dsyevd (workspace query)", info: Int(info)) }
        var lwork = Int32(workSize), liwork = iworkSize
        var work = [Double](repeating: 0, count: Int(lwork)), iwork = [Int32](repeating: 0, count: Int(liwork))
        dsyevd_(&jobz, &uplo, &n, &a, &lda, &w, &work, &lwork, &iwork, &liwork, &info, 1, 1)
        guard info == 0 else { throw LinearAlgebraError(routine: "dsyevd", info: Int(info)) }
        // Fortran wrote eigenvector k contiguously (column-major column k);
        // transpose so that, row-major, column k holds it.
        var vectors = [Double](repeating: 0, count: size * size)
        for k in 0..<size { for i in 0..<size { vectors[i * size + k] = a[k * size + i] } }
        return (w, vectors)
    }

    /// V f(Λ) Vᵀ.
    public func applying(_ f: (Double) -> Double) throws -> SymmetricMatrix {
        let (lambda, v) = try eigen()
        let n = size
        var scaled = v   // V f(Λ): column k times f(λ_k)
        for i in 0..<n { for k in 0..<n { scaled[i * n + k] *= f(lambda[k]) } }
        return SymmetricMatrix(size: n, values: Matrix.multiply(scaled, v, n, n, n, transposeB: true))
    }

    /// The symmetric positive semi-definite square root S^{1/2}; eigenvalues
    /// below zero by rounding are clamped to 0.
    public func sqrtm() throws -> SymmetricMatrix { try applying { Swift.max($0, 0).squareRoot() } }

    /// S^{−1/2} of a positive definite S; throws when an eigenvalue is ≤ 0.
    public func inverseSqrtm() throws -> SymmetricMatrix {
        let smallest = try eigen().eigenvalues.first ?? 1
        guard smallest > 0 else { throw LinearAlgebraError(routine: "inverseSqrtm", info: 0, detail: "matrix is not positive definite (smallest eigenvalue \(smallest))") }
        return try applying { 1 / $0.squareRoot() }
    }

    /// A B C … for symmetric factors (the product itself need not be symmetric).
    public static func product(_ factors: [SymmetricMatrix]) -> [Double] {
        precondition(!factors.isEmpty, "product of no matrices")
        let n = factors[0].size
        return factors.dropFirst().reduce(factors[0].values) { Matrix.multiply($0, $1.values, n, n, n) }
    }
}

/// Dense Float64 products through OpenBLAS.
public enum Matrix {
    /// op(A) [m, k] · op(B) [k, n], row-major.
    public static func multiply(_ a: [Double], _ b: [Double], _ m: Int, _ k: Int, _ n: Int,
                                transposeA: Bool = false, transposeB: Bool = false) -> [Double] {
        precondition(a.count == m * k && b.count == k * n, "multiply: \(a.count) and \(b.count) values for [\(m), \(k)]·[\(k), \(n)]")
        var c = [Double](repeating: 0, count: m * n)
        if m == 0 || n == 0 || k == 0 { return c }
        cblas_dgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), 1, a, Int32(transposeA ? m : k), b, Int32(transposeB ? k : n), 0, &c, Int32(n))
        return c
    }
}

/// A LAPACK routine reported failure (`info` ≠ 0) or a precondition on the matrix failed.
public struct LinearAlgebraError: Error, CustomStringConvertible {
    public let routine: String
    public let info: Int
    public var detail: String = ""

    public init(routine: String, info: Int, detail: String = "") {
        self.routine = routine
        self.info = info
        self.detail = detail
    }

    public var description: String {
        detail.isEmpty ? "\(routine) failed with info = \(info)" : "\(routine): \(detail)"
    }
}
