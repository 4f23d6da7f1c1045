// ZeroedMemory.swift: the generated models' buffers, zeroed by the kernel rather than by a pass over them.
import Glibc

/// `count` zeroed floats from `calloc`: a large block arrives as fresh zero pages that cost nothing until touched, so
/// memory a run never uses (an inference binary's gradients, the arena rows of a batch it never fills) adds no page
/// faults to its start-up, as `allocate` + `initialize(repeating: 0)` did (a third of a prediction's run time).
/// Release with `deallocateZeroed`.
public func allocateZeroed(_ count: Int) -> UnsafeMutablePointer<Float> {
  guard let block = calloc(max(count, 1), MemoryLayout<Float>.stride) else { fatalError("out of memory: \(count) floats") }
  return block.bindMemory(to: Float.self, capacity: max(count, 1))
}

/// Frees a block of `allocateZeroed`.
public func deallocateZeroed(_ block: UnsafeMutablePointer<Float>) { free(block) }
