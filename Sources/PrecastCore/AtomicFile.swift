// AtomicFile.swift: the one way Precast replaces a file it writes (checkpoints, histories, charts, predictions).
import Glibc

/// Writes `bytes` to `path` so that `path` always holds either its previous contents or all of `bytes`: a temporary
/// file beside it ("<path>.tmp<pid>", so a killed run's leftovers can be told from a live writer's), written in full,
/// fsync'd, renamed over `path`, and the folder fsync'd so the rename itself survives a crash. On any failure the
/// temporary file is removed, `path` is untouched, and the error is returned as one line ("cannot write (No space
/// left on device)"); nil on success.
public func writeFileAtomically(_ bytes: [UInt8], to path: String) -> String? {
  let temporary = "\(path).tmp\(getpid())"
  let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
  guard descriptor >= 0 else { return "cannot write (\(String(cString: strerror(errno))))" }
  var failure: String?
  bytes.withUnsafeBytes { buffer in
    var done = 0
    while done < buffer.count {
      let count = write(descriptor, buffer.baseAddress! + done, buffer.count - done)
      if count < 0 && errno == EINTR { continue }
      guard count > 0 else {
        failure = "cannot write (\(String(cString: strerror(count < 0 ? errno : EIO))))"
        return
      }
      done += count
    }
  }
  if failure == nil && fsync(descriptor) != 0 { failure = "cannot write (\(String(cString: strerror(errno))))" }
  if close(descriptor) != 0 && failure == nil { failure = "cannot write (\(String(cString: strerror(errno))))" }
  if failure == nil && rename(temporary, path) != 0 { failure = "cannot rename the temporary file into place (\(String(cString: strerror(errno))))" }
  if let failure {
    unlink(temporary)
    return failure
  }
  let directory = open(parentFolder(of: path), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
  if directory >= 0 {
    fsync(directory)  // the rename is durable; some file systems refuse a directory fsync, which is harmless
    close(directory)
  }
  return nil
}

/// The folder a file path lies in: "a/b.h5" → "a", "/b.h5" → "/", "b.h5" → ".".
public func parentFolder(of path: String) -> String {
  guard let slash = path.lastIndex(of: "/") else { return "." }
  return slash == path.startIndex ? "/" : String(path[..<slash])
}
