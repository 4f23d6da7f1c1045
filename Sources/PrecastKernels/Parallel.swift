// Parallel.swift: splits a batch over the BLAS thread count for the kernels that do not run on OpenBLAS.
import Dispatch

/// A pointer handed to the worker threads of `forEachPart`; each worker touches its own rows.
@usableFromInline
struct SharedPointer<Pointee>: @unchecked Sendable {
  @usableFromInline let base: UnsafeMutablePointer<Pointee>
  @inlinable init(_ base: UnsafeMutablePointer<Pointee>) { self.base = base }
  @inlinable init(_ base: UnsafePointer<Pointee>) { self.base = UnsafeMutablePointer(mutating: base) }
}

/// Calls `body(part, first, count)` for contiguous parts of `0..<n`: one part per BLAS thread (`--threads`),
/// and a single part on the calling thread when `n` is smaller than two parts of `minimumPerPart`.
@inlinable @inline(__always)
func forEachPart(_ n: Int, minimumPerPart: Int, _ body: @Sendable (_ part: Int, _ first: Int, _ count: Int) -> Void) {
  let parts = max(1, min(blasThreads, n / max(minimumPerPart, 1)))
  if parts == 1 {
    body(0, 0, n)
    return
  }
  let size = (n + parts - 1) / parts
  DispatchQueue.concurrentPerform(iterations: parts) { part in
    let first = part * size
    body(part, first, max(0, min(size, n - first)))
  }
}

/// The most parts `forEachPart` makes, for sizing per-part scratch.
@usableFromInline var maximumParts: Int { max(1, blasThreads) }

/// Calls `body(first, count)` for contiguous parts of the batch `0..<n`, one per BLAS thread, with OpenBLAS
/// single-threaded meanwhile: the recurrent layers run each part's steps on its own core, and their per-step
/// GEMMs ([rows, u]·[u, 4u]) are too small to split again. One part runs on the calling thread as it is.
func forEachBatchPart(_ n: Int, minimumPerPart: Int, _ body: @Sendable (_ first: Int, _ count: Int) -> Void) {
  let threads = blasThreads
  let parts = max(1, min(threads, n / max(minimumPerPart, 1)))
  if parts == 1 { return body(0, n) }
  setBlasThreads(1)
  defer { setBlasThreads(threads) }
  let size = (n + parts - 1) / parts
  DispatchQueue.concurrentPerform(iterations: parts) { part in
    let first = part * size
    body(first, max(0, min(size, n - first)))
  }
}
