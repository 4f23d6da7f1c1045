// Window2D.swift: the fixed geometry of a sliding 2-D window (convolution or pooling) and Keras's padding rule.

/// The fixed geometry of a sliding 2-D window (Conv2D kernel or pooling window), per image, channels last.
public struct Window2D: Sendable, Equatable {
  public var inputHeight: Int, inputWidth: Int, channels: Int
  public var kernelHeight: Int, kernelWidth: Int
  public var strideY: Int, strideX: Int
  /// Zero (or, for pooling, ignored) rows above and columns left of the image; Keras "same" puts the odd one after.
  public var padTop: Int, padLeft: Int
  public var outputHeight: Int, outputWidth: Int
  /// Keras `dilation_rate`: the kernel's taps are this many pixels apart (1 = contiguous).
  public var dilationY: Int, dilationX: Int

  public init(
    inputHeight: Int, inputWidth: Int, channels: Int, kernelHeight: Int, kernelWidth: Int,
    strideY: Int, strideX: Int, padTop: Int, padLeft: Int, outputHeight: Int, outputWidth: Int,
    dilationY: Int = 1, dilationX: Int = 1
  ) {
    self.inputHeight = inputHeight
    self.inputWidth = inputWidth
    self.channels = channels
    self.kernelHeight = kernelHeight
    self.kernelWidth = kernelWidth
    self.strideY = strideY
    self.strideX = strideX
    self.padTop = padTop
    self.padLeft = padLeft
    self.outputHeight = outputHeight
    self.outputWidth = outputWidth
    self.dilationY = dilationY
    self.dilationX = dilationX
  }

  /// Floats per input image, H·W·C.
  public var inputSize: Int { inputHeight * inputWidth * channels }
  /// Output pixels per image, OH·OW.
  public var outputPixels: Int { outputHeight * outputWidth }
  /// True when the kernel's taps are not contiguous (dilation > 1 along an axis).
  public var isDilated: Bool { dilationY != 1 || dilationX != 1 }
  /// Length of one patch, kh·kw·cin (the GEMM's K).
  public var patchSize: Int { kernelHeight * kernelWidth * channels }
  /// True when Conv2D's direct kernels handle this geometry: short patches (K ≤ 32, where a GEMM is
  /// inefficient) and filters in groups of 8 (SIMD8 lanes).
  public func supportsDirectConvolution(filters: Int) -> Bool { patchSize <= 32 && filters % 8 == 0 }
  /// True when Conv2D's Winograd F(m×m, 3×3) kernels handle this geometry: a 3×3 window, stride 1, no dilation,
  /// channels and filters in groups of 8 (SIMD8 lanes). Any padding.
  public func supportsWinograd(filters: Int) -> Bool {
    kernelHeight == 3 && kernelWidth == 3 && strideY == 1 && strideX == 1 && !isDilated
      && channels % 8 == 0 && filters % 8 == 0
  }
  /// Winograd F(m×m, 3×3) output tiles per image for tile side m (2 or 4), ⌈OH/m⌉·⌈OW/m⌉.
  public func winogradTiles(tile m: Int) -> Int { ((outputHeight + m - 1) / m) * ((outputWidth + m - 1) / m) }
  /// Multiplications per input/output channel pair and image of Winograd F(m×m, 3×3): (m+2)² per tile, the partial
  /// tiles at the bottom and right edges counted whole (im2col needs 9 per output pixel).
  public func winogradMultiplications(tile m: Int) -> Int { (m + 2) * (m + 2) * winogradTiles(tile: m) }
  /// The Winograd output tile side with fewer multiplications: 4 (F(4×4, 3×3), 4× fewer than im2col on whole
  /// tiles) unless the image is so small that its partial tiles waste more than F(2×2, 3×3) (2.25× fewer) loses.
  public var winogradTile: Int { winogradMultiplications(tile: 4) < winogradMultiplications(tile: 2) ? 4 : 2 }
  /// Floats of the transformed kernel U [α², cin, cout] (α = tile + 2); each core's dU sums are the same size.
  public func winogradKernelFloats(filters: Int, tile: Int) -> Int { (tile + 2) * (tile + 2) * channels * filters }
  /// Floats of one image's transformed tiles, V [tiles, α², cin] and M [tiles, α², cout].
  public func winogradImageFloats(filters: Int, tile: Int) -> Int {
    winogradTiles(tile: tile) * (tile + 2) * (tile + 2) * (channels + filters)
  }
  /// Floats of scratch the Winograd kernels need for `imagesPerGemm` images per GEMM on each of `cores` cores with
  /// output tile side `tile`: the transformed kernel U, then per core its dU sums, V and M.
  public func winogradScratchCount(filters: Int, imagesPerGemm: Int, cores: Int, tile: Int) -> Int {
    let kernel = winogradKernelFloats(filters: filters, tile: tile)
    return kernel + cores * (kernel + imagesPerGemm * winogradImageFloats(filters: filters, tile: tile))
  }
  /// True when the patch matrix is the input itself (1×1 kernel, stride 1, no padding).
  public var isPointwise: Bool {
    kernelHeight == 1 && kernelWidth == 1 && strideY == 1 && strideX == 1 && padTop == 0 && padLeft == 0
  }
}

// MARK: - Keras padding rules

/// Keras's output size and leading padding along one axis: "valid" ⌊(in − k)/s⌋ + 1 with no padding;
/// "same" ⌈in/s⌉ with max((out − 1)·s + k − in, 0) padding, the smaller half before. A dilated kernel
/// spans (k − 1)·dilation + 1 pixels: pass that span as `kernel`.
public func convolutionOutput(input: Int, kernel: Int, stride: Int, same: Bool) -> (size: Int, padBefore: Int) {
  if same {
    let size = (input + stride - 1) / stride
    let total = max((size - 1) * stride + kernel - input, 0)
    return (size, total / 2)
  }
  return (input >= kernel ? (input - kernel) / stride + 1 : 0, 0)
}
