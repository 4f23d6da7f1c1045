// MPI.swift: Open MPI as the trainer's process group. A trainer started by `mpirun` joins MPI_COMM_WORLD; started
// alone it never calls MPI (no MPI_Init, no overhead). Built without Open MPI's headers, it refuses `mpirun`.
#if canImport(CMPI)
import CMPI
#endif
import Glibc
import PrecastRuntime

/// The ranks `mpirun` started, as a `ProcessGroup` for the trainer, with timing of the gradient reductions.
final class MPIGroup: ProcessGroup {
  let rank: Int
  let size: Int
  /// Processes of this job on this machine (`mpirun -np 4` on two hosts: 2 each), to share its cores.
  let localSize: Int
  /// Seconds and bytes spent in `sum` of Float buffers (the gradients), and how many calls.
  private(set) var reduceSeconds = 0.0, reducedBytes = 0, reductions = 0
  /// Set once every rank has prepared its data and model (`agree`): errors after it are every rank's alike
  /// (a non-finite loss) or rank 0's alone (writing files).
  private(set) var agreed = false

  /// The number of processes `mpirun` started, or nil when this process was started alone. Open MPI puts
  /// OMPI_COMM_WORLD_SIZE into the environment of every process it launches.
  static var launchedSize: Int? {
    getenv("OMPI_COMM_WORLD_SIZE").flatMap { Int(String(cString: $0)) }
  }

  /// This process's rank as mpirun numbered it (from OMPI_COMM_WORLD_RANK), 0 when started alone: before MPI is
  /// initialised (or when it cannot be), only rank 0 reports an error every rank has.
  static var launchedRank: Int {
    getenv("OMPI_COMM_WORLD_RANK").flatMap { Int(String(cString: $0)) } ?? 0
  }

  /// The group of this job's ranks when `mpirun` started this process (MPI initialised here), else nil.
  static func joinIfLaunched() throws(PrecastError) -> MPIGroup? {
    guard launchedSize != nil else { return nil }
    #if canImport(CMPI)
    return MPIGroup()
    #else
    throw PrecastError("started by mpirun, but this trainer was built without Open MPI: install libopenmpi-dev (Scripts/setup.sh) and rebuild")
    #endif
  }

  #if canImport(CMPI)
  private init() {
    var provided: Int32 = 0
    MPI_Init_thread(nil, nil, Int32(MPI_THREAD_FUNNELED), &provided)  // only the main thread calls MPI
    var value: Int32 = 0
    MPI_Comm_rank(precast_mpi_comm_world(), &value)
    rank = Int(value)
    MPI_Comm_size(precast_mpi_comm_world(), &value)
    size = Int(value)
    localSize = getenv("OMPI_COMM_WORLD_LOCAL_SIZE").flatMap { Int(String(cString: $0)) } ?? size
  }

  func sum(_ values: UnsafeMutablePointer<Float>, count: Int) {
    let start = now()
    allreduce(values, count: count, type: precast_mpi_float(), stride: MemoryLayout<Float>.stride)
    reduceSeconds += now() - start
    reducedBytes += count * MemoryLayout<Float>.stride
    reductions += 1
  }

  func sum(_ values: UnsafeMutablePointer<Double>, count: Int) {
    allreduce(values, count: count, type: precast_mpi_double(), stride: MemoryLayout<Double>.stride)
  }

  /// MPI_Allreduce(MPI_IN_PLACE, …, MPI_SUM) in pieces MPI's 32-bit counts can hold.
  private func allreduce(_ values: UnsafeMutableRawPointer, count: Int, type: MPI_Datatype, stride: Int) {
    var done = 0
    while done < count {
      let n = min(count - done, Int(Int32.max))
      MPI_Allreduce(precast_mpi_in_place(), values + done * stride, Int32(n), type, precast_mpi_sum(), precast_mpi_comm_world())
      done += n
    }
  }

  func broadcast(_ values: UnsafeMutableRawPointer, bytes: Int) {
    var done = 0
    while done < bytes {
      let n = min(bytes - done, Int(Int32.max))
      MPI_Bcast(values + done, Int32(n), precast_mpi_byte(), 0, precast_mpi_comm_world())
      done += n
    }
  }

  /// Ends MPI in this process (every rank calls it once, after its last collective).
  func finish() { MPI_Finalize() }
  #else
  private init() { preconditionFailure("built without Open MPI") }
  func sum(_ values: UnsafeMutablePointer<Float>, count: Int) {}
  func sum(_ values: UnsafeMutablePointer<Double>, count: Int) {}
  func broadcast(_ values: UnsafeMutableRawPointer, bytes: Int) {}
  func finish() {}
  #endif

  /// Every rank reports whether it prepared its part (data, model, options) before training starts; when any failed,
  /// every rank stops, and only the first failing rank prints its error (one line, not one per rank).
  /// Returns the error this rank must report, nil when all succeeded; throws `ExitQuietly` on the ranks that stay quiet.
  func agree(failure: PrecastError?) throws(PrecastError) {
    agreed = true
    var failed = [Double](repeating: 0, count: size)
    failed[rank] = failure == nil ? 0 : 1
    failed = sum(failed)
    guard let first = failed.firstIndex(where: { $0 > 0 }) else { return }
    guard first == rank, let failure else { throw PrecastError(MPIGroup.quietMessage) }
    throw PrecastError(rank == 0 ? failure.message : "rank \(rank): \(failure.message)")
  }

  /// The message of an error another rank reports (this rank exits with status 1 and prints nothing). Plain text:
  /// `PrecastError` escapes control characters, so a marker made of them would no longer compare equal.
  static let quietMessage = "another rank failed (this rank stays quiet)"

  /// The cores of this machine shared among this job's ranks on it: each rank's BLAS threads by default.
  var threadsPerRank: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))) / max(localSize, 1)) }

  /// "Allreduce over 2 ranks: 469 steps, 0.410 ms and 2.10 MB of gradients each (3.0% of the training time)",
  /// printed with `--verbose 2`.
  func summary(trainingSeconds: Double) -> String {
    guard reductions > 0 else { return "Allreduce: none" }
    let each = reduceSeconds / Double(reductions)
    let kilobytes = Double(reducedBytes) / Double(reductions) / 1000
    let size = kilobytes < 1000 ? "\(formatFixed(kilobytes, 1)) KB" : "\(formatFixed(kilobytes / 1000, 2)) MB"
    let share = trainingSeconds > 0 ? 100 * reduceSeconds / trainingSeconds : 0
    return "Allreduce over \(self.size) ranks: \(reductions) steps, \(formatFixed(each * 1000, 3)) ms and \(size) of gradients each (\(formatFixed(share, 1))% of the training time)"
  }
}
