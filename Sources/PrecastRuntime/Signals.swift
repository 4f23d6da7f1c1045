// Signals.swift: Ctrl-C during training finishes the batch, saves and exits 0.
import Glibc

nonisolated(unsafe) private var interruptRequested: sig_atomic_t = 0

/// Installs a SIGINT/SIGTERM handler that only sets a flag; the trainer polls it after every batch.
/// A second Ctrl-C exits at once.
///
/// `restartingCalls` false lets the signal end a blocked system call (EINTR) instead of resuming it. Under `mpirun`
/// that matters: on Ctrl-C mpirun stops reading the ranks' output, sends SIGTERM a second later and SIGKILL a second
/// after that, so rank 0 may be blocked writing its progress line when SIGTERM comes; the write is dropped and the
/// rank goes on to save its checkpoint in the second it has.
public func installInterruptHandler(restartingCalls: Bool = true) {
  let handler: @convention(c) (Int32) -> Void = { _ in
    if interruptRequested != 0 { _exit(130) }
    interruptRequested = 1
  }
  var action = sigaction()
  action.__sigaction_handler.sa_handler = handler
  sigemptyset(&action.sa_mask)
  action.sa_flags = restartingCalls ? SA_RESTART : 0
  sigaction(SIGINT, &action, nil)
  sigaction(SIGTERM, &action, nil)
}

/// True once Ctrl-C (or SIGTERM) was received.
public var interrupted: Bool { interruptRequested != 0 }
