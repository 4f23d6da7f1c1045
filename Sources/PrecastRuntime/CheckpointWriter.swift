// CheckpointWriter.swift: the fit loop's per-epoch checkpoint, written on a background thread.
import Dispatch

/// Writes checkpoints off the training thread. `submit` takes a job that owns a snapshot of the state (weights and
/// optimizer slots copied when the epoch ended) and returns at once; one job runs at a time, and a job submitted
/// while another runs replaces any job still waiting (only the newest state matters). Each job writes its file
/// atomically (a temporary file, then rename), so the file on disk is always a whole checkpoint of a finished
/// epoch. `finish` waits for the last job, and reports a failed write; the next `submit` reports one too.
///
/// A small model's epoch (Pima: 77 steps, 0.2 ms) is shorter than writing its HDF5 file (~1 ms, most of it
/// libhdf5's per-file set-up), so writing in line made the tutorial's 150-epoch fit 5× slower than its training.
final class CheckpointWriter: @unchecked Sendable {
  typealias Job = @Sendable () throws(PrecastError) -> Void

  private let writer = DispatchQueue(label: "precast.checkpoint")
  private let state = DispatchQueue(label: "precast.checkpoint.state")
  // Guarded by `state`.
  private var waiting: Job?
  private var running = false
  private var failure: PrecastError?

  /// Queues `job` (replacing a job not yet started); throws the error of an earlier job that failed.
  func submit(_ job: @escaping Job) throws(PrecastError) {
    let (startWriter, failed): (Bool, PrecastError?) = state.sync {
      waiting = job
      defer { running = true }
      let failed = failure
      failure = nil
      return (!running, failed)
    }
    if let failed { throw failed }
    if startWriter { writer.async { self.drain() } }
  }

  /// Waits until every submitted job has run; throws the error of one that failed.
  func finish() throws(PrecastError) {
    writer.sync {}
    let failed: PrecastError? = state.sync {
      defer { failure = nil }
      return failure
    }
    if let failed { throw failed }
  }

  private func drain() {
    while true {
      let job: Job? = state.sync {
        let next = waiting
        waiting = nil
        if next == nil { running = false }
        return next
      }
      guard let job else { return }
      do {
        try job()
      } catch {
        state.sync { failure = error }
      }
    }
  }
}
