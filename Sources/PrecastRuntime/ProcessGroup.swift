// ProcessGroup.swift: the processes one `fit` runs on (data-parallel training), as the trainer sees them.
// The runtime knows only these collectives; the trainer's command supplies Open MPI's (PrecastCommands/MPI.swift).

/// The ranks of a data-parallel run: each holds the whole model, trains on its slice of every batch, and the
/// gradients are summed over all of them before every rank applies the same update.
public protocol ProcessGroup: AnyObject {
  /// This process's rank, 0 ..< size; rank 0 prints and writes every file.
  var rank: Int { get }
  var size: Int { get }
  /// Σ over the ranks, in place, every rank getting the result (MPI_Allreduce with MPI_SUM).
  func sum(_ values: UnsafeMutablePointer<Float>, count: Int)
  func sum(_ values: UnsafeMutablePointer<Double>, count: Int)
  /// Rank 0's values to every rank (MPI_Bcast).
  func broadcast(_ values: UnsafeMutableRawPointer, bytes: Int)
}

extension ProcessGroup {
  public var isRoot: Bool { rank == 0 }

  /// This rank's rows of `count` (contiguous; the first `count % size` ranks take one more). Every rank takes
  /// its part of each global batch, so the ranks together walk the one shuffled order a single process would.
  public func part(of count: Int) -> Range<Int> {
    let base = count / size, extra = count % size
    let lower = rank * base + min(rank, extra)
    return lower..<(lower + base + (rank < extra ? 1 : 0))
  }

  /// Σ of `values` over the ranks.
  public func sum(_ values: [Double]) -> [Double] {
    var result = values
    result.withUnsafeMutableBufferPointer { sum($0.baseAddress!, count: $0.count) }
    return result
  }

  /// Rank 0's value of a trivially copyable value.
  public func broadcast<T: BitwiseCopyable>(_ value: T) -> T {
    var copy = value
    withUnsafeMutableBytes(of: &copy) { broadcast($0.baseAddress!, bytes: $0.count) }
    return copy
  }

  /// Rank 0's contents of a buffer (every rank passes one of the same size).
  public func broadcast(_ values: UnsafeMutablePointer<Float>, count: Int) {
    broadcast(UnsafeMutableRawPointer(values), bytes: count * MemoryLayout<Float>.stride)
  }
}
