// Augmentation.swift: seeded on-the-fly image augmentation with Keras ImageDataGenerator's meanings.
import Glibc

/// Random affine transforms of training images, as `keras.preprocessing.image.ImageDataGenerator`:
/// rotation (degrees), width/height shifts (fractions of the size), zoom (independent x/y factors in
/// [1 − z, 1 + z]), horizontal flips, bilinear sampling with `fill_mode="nearest"` (edges repeat).
public struct Augmentation: Sendable, Equatable {
  public var rotationRange: Double = 0
  public var widthShiftRange: Double = 0
  public var heightShiftRange: Double = 0
  public var zoomRange: Double = 0
  public var horizontalFlip = false

  public init(rotationRange: Double = 0, widthShiftRange: Double = 0, heightShiftRange: Double = 0, zoomRange: Double = 0, horizontalFlip: Bool = false) {
    self.rotationRange = rotationRange
    self.widthShiftRange = widthShiftRange
    self.heightShiftRange = heightShiftRange
    self.zoomRange = zoomRange
    self.horizontalFlip = horizontalFlip
  }

  /// True when no transform is enabled.
  public var isIdentity: Bool {
    rotationRange == 0 && widthShiftRange == 0 && heightShiftRange == 0 && zoomRange == 0 && !horizontalFlip
  }

  /// "rotation 10°, width shift 0.1, …" for the trainer's banner.
  public var summary: String {
    var parts: [String] = []
    if rotationRange != 0 { parts.append("rotation ±\(rotationRange)°") }
    if widthShiftRange != 0 { parts.append("width shift ±\(widthShiftRange)") }
    if heightShiftRange != 0 { parts.append("height shift ±\(heightShiftRange)") }
    if zoomRange != 0 { parts.append("zoom \(1 - zoomRange)–\(1 + zoomRange)") }
    if horizontalFlip { parts.append("horizontal flip") }
    return parts.joined(separator: ", ")
  }

  /// Image geometry [height, width, channels] of a model input ([h, w] means one channel), or nil for non-images.
  public static func imageShape(_ inputShape: [Int]) -> (height: Int, width: Int, channels: Int)? {
    switch inputShape.count {
    case 2: return (inputShape[0], inputShape[1], 1)
    case 3: return (inputShape[0], inputShape[1], inputShape[2])
    default: return nil
    }
  }

  /// Transforms one image `source` [h, w, c] into `target` with freshly drawn random parameters.
  public func apply(
    _ source: UnsafePointer<Float>, into target: UnsafeMutablePointer<Float>, height h: Int, width w: Int, channels c: Int,
    rng: inout Random
  ) {
    // Draw like Keras's get_random_transform: theta, tx (rows), ty (columns), zx, zy, flip.
    let theta = rotationRange == 0 ? 0 : uniform(-rotationRange, rotationRange, &rng) * Double.pi / 180
    let tx = heightShiftRange == 0 ? 0 : uniform(-heightShiftRange, heightShiftRange, &rng) * Double(h)
    let ty = widthShiftRange == 0 ? 0 : uniform(-widthShiftRange, widthShiftRange, &rng) * Double(w)
    var zx = 1.0, zy = 1.0
    if zoomRange != 0 {
      zx = uniform(1 - zoomRange, 1 + zoomRange, &rng)
      zy = uniform(1 - zoomRange, 1 + zoomRange, &rng)
    }
    let flip = horizontalFlip && rng.nextUnitFloat() < 0.5
    // input = center + R·(Z·(output − center) + t), Keras's rotation·shift·zoom about the image center.
    let cr = Double(h) / 2 - 0.5, cc = Double(w) / 2 - 0.5
    let cosT = cos(theta), sinT = sin(theta)
    for r in 0..<h {
      for col in 0..<w {
        let zr = zx * (Double(r) - cr) + tx, zc = zy * (Double(col) - cc) + ty
        let sr = cr + cosT * zr - sinT * zc
        let sc = cc + sinT * zr + cosT * zc
        let out = target + (r * w + (flip ? w - 1 - col : col)) * c
        bilinear(source, at: sr, sc, height: h, width: w, channels: c, into: out)
      }
    }
  }

  /// Bilinear sample at (row, col) with coordinates clamped to the image (fill_mode "nearest").
  @inline(__always)
  private func bilinear(
    _ image: UnsafePointer<Float>, at row: Double, _ col: Double, height h: Int, width w: Int, channels c: Int,
    into out: UnsafeMutablePointer<Float>
  ) {
    let r = min(max(row, 0), Double(h - 1)), q = min(max(col, 0), Double(w - 1))
    let r0 = Int(r), c0 = Int(q)
    let r1 = min(r0 + 1, h - 1), c1 = min(c0 + 1, w - 1)
    let fr = Float(r - Double(r0)), fc = Float(q - Double(c0))
    for ch in 0..<c {
      let a = image[(r0 * w + c0) * c + ch], b = image[(r0 * w + c1) * c + ch]
      let d = image[(r1 * w + c0) * c + ch], e = image[(r1 * w + c1) * c + ch]
      let top = a + (b - a) * fc
      let bottom = d + (e - d) * fc
      out[ch] = top + (bottom - top) * fr
    }
  }

  private func uniform(_ lo: Double, _ hi: Double, _ rng: inout Random) -> Double {
    lo + (hi - lo) * Double(rng.nextUnitFloat())
  }
}

// MARK: - Preview

/// Writes `images` (each [h, w, c], values in 0…255 or 0…1) as one PGM (c = 1) or PPM (c = 3) grid of
/// `columns` tiles with a 2-pixel gap, like the tutorial's 3×3 preview of augmented samples.
public func writeImageGrid(
  _ images: [[Float]], height h: Int, width w: Int, channels c: Int, columns: Int, to path: String
) throws(PrecastError) {
  guard c == 1 || c == 3 else { throw PrecastError("\(path): a preview needs 1 or 3 channels, the images have \(c)") }
  let scale: Float = (images.flatMap { $0 }.max() ?? 0) <= 1 ? 255 : 1
  let grid = imageGrid(images, height: h, width: w, channels: c, columns: columns, gap: 2, scale: scale)
  let (gridW, gridH, pixels) = (grid.width, grid.height, grid.pixels)
  let header = Array("\(c == 1 ? "P5" : "P6")\n\(gridW) \(gridH)\n255\n".utf8)
  try writeBinaryFileAtomically(header + pixels, to: path)
}

/// `images` (each [h, w, c], values × `scale` clipped to 0…255) as tiles of one image, `columns` to a row, `gap`
/// black pixels apart.
public func imageGrid(
  _ images: [[Float]], height h: Int, width w: Int, channels c: Int, columns: Int, gap: Int, scale: Float = 1
) -> Image8 {
  let rows = (images.count + columns - 1) / columns
  let gridW = columns * w + (columns - 1) * gap, gridH = rows * h + (rows - 1) * gap
  var pixels = [UInt8](repeating: 0, count: gridW * gridH * c)
  for (i, image) in images.enumerated() {
    let top = (i / columns) * (h + gap), left = (i % columns) * (w + gap)
    for r in 0..<h {
      for col in 0..<w {
        for ch in 0..<c {
          let v = min(max(image[(r * w + col) * c + ch] * scale, 0), 255)
          pixels[((top + r) * gridW + left + col) * c + ch] = UInt8(v.rounded())
        }
      }
    }
  }
  return Image8(height: gridH, width: gridW, channels: c, pixels: pixels)
}
