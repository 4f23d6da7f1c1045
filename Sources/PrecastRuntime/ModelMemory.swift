// ModelMemory.swift: the memory of a generated model, allocated once and carved into named views.

/// Everything a generated model computes in, allocated by its `init(maxBatch:)` and freed with it: the parameters and
/// their gradients (same layout), the per-sample arena of activations, masks and gradient scratch (`floatsPerSample`
/// floats for each of `maxBatch` samples, buffer by buffer), and scratch whose size does not depend on the batch.
/// The model keeps views into it (`weight(at:)`, `batch(at:)`, `batchBytes(at:width:)`, `fixed(at:)`); no pass
/// allocates.
public final class ModelMemory {
  public let maxBatch: Int
  /// All parameters, [parameterCount].
  public let parameters: UnsafeMutablePointer<Float>
  /// ∂loss/∂parameters, [parameterCount], the same layout.
  public let gradients: UnsafeMutablePointer<Float>
  /// The per-sample buffers: buffer k of width w at arena offset o holds [maxBatch, w] from `maxBatch · o` on.
  public let arena: UnsafeMutablePointer<Float>
  private let scratch: UnsafeMutablePointer<Float>?
  private let arenaCount: Int
  private let fixedCount: Int
  private let parameterCount: Int

  /// Zeroed memory for `parameters` floats (and as many gradients), `floatsPerSample` floats for each of `maxBatch`
  /// samples, and `fixed` floats of batch-independent scratch.
  public init(parameters: Int, floatsPerSample: Int, fixed: Int = 0, maxBatch: Int) {
    self.maxBatch = maxBatch
    parameterCount = parameters
    arenaCount = maxBatch * floatsPerSample
    fixedCount = fixed
    self.parameters = allocateZeroed(parameters)
    gradients = allocateZeroed(parameters)
    arena = allocateZeroed(arenaCount)
    scratch = fixed > 0 ? allocateZeroed(fixed) : nil
  }

  deinit {
    deallocateZeroed(parameters)
    deallocateZeroed(gradients)
    deallocateZeroed(arena)
    if let scratch { deallocateZeroed(scratch) }
  }

  /// The weight of `count` floats at `offset` in `parameters`, with its gradient.
  public func weight(at offset: Int, count: Int) -> WeightView {
    precondition(offset >= 0 && offset + count <= parameterCount, "weight [\(offset), \(offset + count)) outside \(parameterCount) parameters")
    return WeightView(values: parameters + offset, gradient: gradients + offset)
  }

  /// The per-sample buffer of `width` floats at arena offset `offset` (floats per sample before it): [maxBatch, width].
  public func batch(at offset: Int, width: Int) -> UnsafeMutablePointer<Float> {
    precondition(offset >= 0 && maxBatch * (offset + width) <= arenaCount, "buffer [\(offset), \(offset + width)) outside the arena")
    return arena + maxBatch * offset
  }

  /// The per-sample buffer of `width` float slots at arena offset `offset` as bytes (the plan packs a sample's bytes
  /// four to a slot): [maxBatch, 4·width] bytes.
  public func batchBytes(at offset: Int, width: Int) -> UnsafeMutablePointer<UInt8> {
    UnsafeMutableRawPointer(batch(at: offset, width: width)).bindMemory(to: UInt8.self, capacity: maxBatch * width * 4)
  }

  /// The batch-independent scratch of `count` floats at `offset`.
  public func fixed(at offset: Int, count: Int) -> UnsafeMutablePointer<Float> {
    precondition(offset >= 0 && offset + count <= fixedCount, "scratch [\(offset), \(offset + count)) outside \(fixedCount) floats")
    return scratch! + offset
  }
}

/// One weight of a model: its values in `parameters` and its gradient at the same offset of `gradients`.
public struct WeightView {
  /// The weight's floats, Keras's layout.
  public let values: UnsafeMutablePointer<Float>
  /// ∂loss/∂values, the same layout.
  public let gradient: UnsafeMutablePointer<Float>
}
