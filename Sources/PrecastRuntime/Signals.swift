// Signals.swift: Ctrl-C during training finishes the batch, saves and exits 0.
import Glibc

nonisolated(unsafe) private var interruptRequested: sig_atomic_t = 0

/// Installs a SIGINT/SIGTERM handler that only sets a flag; the trainer polls it after every batch.
/// A second Ctrl-C exits at once.
public func installInterruptHandler() {
  let handler: @convention(c) (Int32) -> Void = { _ in
    if interruptRequested != 0 { _exit(130) }
    interruptRequested = 1
  }
  signal(SIGINT, handler)
  signal(SIGTERM, handler)
}

/// True once Ctrl-C (or SIGTERM) was received.
public var interrupted: Bool { interruptRequested != 0 }
