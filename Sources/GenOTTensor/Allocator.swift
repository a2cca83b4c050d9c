import CMalloc

/// Process-wide settings of glibc's allocator for tensor work.
public enum Allocator {
    /// glibc serves large blocks (≥ 128 KiB) with fresh mmaps and returns
    /// freed memory to the OS, so every activation of a training step would
    /// page-fault its memory in again. Keeping large blocks on the heap made a
    /// 512×256 matmul about 25% faster. It changes malloc for the whole
    /// process, so programs call it once at start-up (`gen-ot` does in `main`);
    /// a library user may leave it out at some cost in speed.
    public static func keepLargeBlocksOnTheHeap() {
        mallopt(M_MMAP_THRESHOLD, 1 << 30)
        mallopt(M_TRIM_THRESHOLD, 1 << 30)
    }
}
