import CMPI
import Foundation
import GenOTTensor

/// `MPI_COMM_WORLD` as a `Collective`: the processes `mpirun` started.
/// Built only with `GENOT_MPI=1` (docs/mpi.md).
///
/// Errors from MPI itself are fatal (MPI's default handler aborts the whole
/// job), so the calls below do not return codes to check.
public final class MPIWorld: Collective {
    public let rank: Int
    public let size: Int

    private init(rank: Int, size: Int) {
        self.rank = rank
        self.size = size
    }

    /// Initialises MPI (once per process) and joins `MPI_COMM_WORLD`; on
    /// every rank but 0, standard output goes to /dev/null so that rank 0
    /// alone prints (standard error stays, for error messages). MPI is
    /// finalised when the process exits normally.
    public static func start() -> MPIWorld {
        // NOTE: MPI_THREAD_FUNNELED: only the main thread calls MPI; the
        // shards' worker threads (DataParallel) never do.
        var provided: Int32 = 0
        MPI_Init_thread(nil, nil, Int32(MPI_THREAD_FUNNELED), &provided)
        var rank: Int32 = 0, size: Int32 = 1
        MPI_Comm_rank(genot_mpi_comm_world(), &rank)
        MPI_Comm_size(genot_mpi_comm_world(), &size)
        atexit { MPI_Finalize() }
        if rank != 0 {
            let null = open("/dev/null", O_WRONLY)
            if null >= 0 { dup2(null, STDOUT_FILENO); close(null) }
        }
        return MPIWorld(rank: Int(rank), size: Int(size))
    }

    public func sum(_ buffer: UnsafeMutableBufferPointer<Float>) {
        guard size > 1, let base = buffer.baseAddress else { return }
        // NOTE: MPI counts are Int32; a map with more than 2³¹ parameters would need chunks.
        precondition(buffer.count <= Int(Int32.max), "allreduce of \(buffer.count) floats")
        MPI_Allreduce(genot_mpi_in_place(), base, Int32(buffer.count), genot_mpi_float(),
                      genot_mpi_sum(), genot_mpi_comm_world())
    }

    public func gather(_ local: [Float]) -> [Float] {
        guard size > 1 else { return local }
        var count = Int32(local.count)
        var counts = [Int32](repeating: 0, count: size)
        MPI_Allgather(&count, 1, genot_mpi_int(), &counts, 1, genot_mpi_int(), genot_mpi_comm_world())
        var offsets = [Int32](repeating: 0, count: size)
        for r in 1..<size { offsets[r] = offsets[r - 1] + counts[r - 1] }
        var all = [Float](repeating: 0, count: Int(counts.reduce(0, +)))
        local.withUnsafeBufferPointer { send in
            all.withUnsafeMutableBufferPointer { receive in
                _ = MPI_Allgatherv(send.baseAddress, count, genot_mpi_float(), receive.baseAddress, counts, offsets,
                                   genot_mpi_float(), genot_mpi_comm_world())
            }
        }
        return all
    }

    /// Prints `message` to standard error with this rank's number and stops
    /// every rank of the job (`MPI_Abort`): a rank that fails alone would
    /// otherwise leave the others waiting in the next exchange.
    public func abort(_ message: String, code: Int32) -> Never {
        FileHandle.standardError.write(Data("gen-ot (rank \(rank) of \(size)): \(message)\n".utf8))
        MPI_Abort(genot_mpi_comm_world(), code == 0 ? 1 : code)
        exit(code == 0 ? 1 : code)
    }
}
