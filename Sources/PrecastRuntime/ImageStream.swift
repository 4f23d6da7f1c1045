// ImageStream.swift: an image folder's pictures, decoded and resized to the model's input as batches need them,
// with a bounded cache and the next batch decoded on another thread while the current one trains.
import Dispatch
import Glibc

/// The decoded, resized images of a list of files ([height, width, channels] floats, 0…255, as Keras's
/// `image_dataset_from_directory` yields them). Images are kept in memory up to `cacheBytes`; the others are decoded
/// again each time they are needed. `prefetch` decodes the next batch's images on a background thread; `copy`
/// takes an image from the cache, waits for its decode in flight, or decodes it itself.
public final class ImageStream: @unchecked Sendable {
  public let files: [String]
  public let height: Int, width: Int, channels: Int
  /// Floats per image.
  public var imageSize: Int { height * width * channels }
  /// At most this many bytes of decoded images are kept between uses.
  public let cacheBytes: Int

  private let state = DispatchQueue(label: "precast.images.state")
  private let decoder = DispatchQueue(label: "precast.images.decode")
  // Guarded by `state`.
  private var cache: [Int: [Float]] = [:]
  private var cachedBytes = 0
  /// Prefetched images the cache had no room for, dropped once copied.
  private var staged: [Int: [Float]] = [:]
  private var inFlight: [Int: DispatchGroup] = [:]
  private var counters = Statistics()

  /// What decoding cost and whether it kept up with training.
  public struct Statistics: Sendable {
    /// Images decoded in all (the first scan included), and their seconds of decoding.
    public var decoded = 0, decodeSeconds = 0.0
    /// Seconds the training thread waited for a prefetched image, and images it had to decode itself.
    public var waitSeconds = 0.0, decodedInline = 0
    /// Images taken from the cache.
    public var cacheHits = 0
  }

  public var statistics: Statistics { state.sync { counters } }
  /// Images held in the cache.
  public var cachedCount: Int { state.sync { cache.count } }

  init(files: [String], height: Int, width: Int, channels: Int, cacheBytes: Int) {
    self.files = files
    self.height = height
    self.width = width
    self.channels = channels
    self.cacheBytes = cacheBytes
  }

  /// Decodes every file once on all cores, keeping what fits in the cache: a bad file is found before training,
  /// not in the middle of an epoch. Returns the indices of the files that failed, with their errors, in order.
  func scan(threads: Int) -> [(file: Int, error: DataError)] {
    let failures = ScanFailures()
    let parts = max(1, min(threads, files.count))
    DispatchQueue.concurrentPerform(iterations: parts) { part in
      var file = part
      while file < files.count {
        do throws(DataError) {
          let image = try decode(file)
          state.sync { _ = keep(file, image) }
        } catch {
          failures.add(file, error)
        }
        file += parts
      }
    }
    return failures.sorted
  }

  /// Starts decoding `files` (indices) that are neither cached nor on their way.
  public func prefetch<Files: Sequence<Int>>(_ wanted: Files) {
    var started: [(Int, DispatchGroup)] = []
    state.sync {
      for file in wanted where cache[file] == nil && staged[file] == nil && inFlight[file] == nil {
        let group = DispatchGroup()
        group.enter()
        inFlight[file] = group
        started.append((file, group))
      }
    }
    for (file, group) in started {
      decoder.async {
        let image = try? self.decode(file)
        self.state.sync {
          if let image, !self.keep(file, image) { self.staged[file] = image }
          self.inFlight[file] = nil
        }
        group.leave()
      }
    }
  }

  /// Writes image `file` to `target` [height, width, channels].
  public func copy(_ file: Int, into target: UnsafeMutablePointer<Float>) {
    let (found, waitFor): ([Float]?, DispatchGroup?) = state.sync {
      if let image = cache[file] {
        counters.cacheHits += 1
        return (image, nil)
      }
      if let image = staged.removeValue(forKey: file) { return (image, nil) }
      return (nil, inFlight[file])
    }
    if let found {
      found.withUnsafeBufferPointer { target.update(from: $0.baseAddress!, count: imageSize) }
      return
    }
    if let waitFor {
      let start = now()
      waitFor.wait()
      state.sync { counters.waitSeconds += now() - start }
      return copy(file, into: target)
    }
    do {
      let image = try decode(file)
      state.sync {
        counters.decodedInline += 1
        _ = keep(file, image)
      }
      image.withUnsafeBufferPointer { target.update(from: $0.baseAddress!, count: imageSize) }
    } catch {
      // Every file decoded when the folder was scanned: this one changed since.
      printError("error: \(error) (the file changed during training)")
      exit(1)
    }
  }

  /// Reads, decodes and resizes one file.
  private func decode(_ file: Int) throws(DataError) -> [Float] {
    let start = now()
    let image = try ImageCodec.read(path: files[file], channels: channels)
    var out = [Float](repeating: 0, count: imageSize)
    out.withUnsafeMutableBufferPointer { image.resized(height: height, width: width, into: $0.baseAddress!) }
    let seconds = now() - start
    state.sync {
      counters.decoded += 1
      counters.decodeSeconds += seconds
    }
    return out
  }

  /// Caches `image` when it fits (called on `state`); false when it does not.
  @discardableResult
  private func keep(_ file: Int, _ image: [Float]) -> Bool {
    guard cache[file] == nil else { return true }
    let bytes = image.count * MemoryLayout<Float>.stride
    guard cachedBytes + bytes <= cacheBytes else { return false }
    cache[file] = image
    cachedBytes += bytes
    return true
  }

  private final class ScanFailures: @unchecked Sendable {
    private let lock = DispatchQueue(label: "precast.images.scan")
    private var items: [(file: Int, error: DataError)] = []
    func add(_ file: Int, _ error: DataError) { lock.sync { items.append((file, error)) } }
    var sorted: [(file: Int, error: DataError)] { lock.sync { items.sorted { $0.file < $1.file } } }
  }
}
