// ImageCodecTests.swift: PNG and JPEG decoding (libpng, libjpeg-turbo) and Keras's bilinear resize, against the
// pixels Pillow and TensorFlow give for the files `Tests/keras/image_fixture.py` wrote (Tests/Fixtures/images/).
import Foundation
import PrecastTestSupport
import XCTest

@testable import PrecastData

final class ImageCodecTests: XCTestCase {
  let root = imageFixture("")

  /// Every fixture image decodes to TensorFlow's pixels: PNG exactly (RGB, grey, RGBA, palette, 16-bit), JPEG within
  /// one level (TensorFlow carries its own libjpeg-turbo build; both use the fast integer IDCT).
  func testDecodedPixelsMatchTensorFlow() throws {
    let expected = try npz(root + "decoded.npz")
    XCTAssertEqual(expected.count, 22)
    for (key, want) in expected {
      let file = key.replacingOccurrences(of: "__", with: "/")
      let image = try ImageCodec.read(path: root + "tree/" + file, channels: 3)
      XCTAssertEqual([image.height, image.width, image.channels], want.shape, file)
      let worst = zip(image.pixels, want.values).reduce(Float(0)) { worse($0, abs(Float($1.0) - $1.1)) }
      if file.lowercased().hasSuffix(".png") {
        XCTAssertEqual(worst, 0, file)
      } else {
        XCTAssertLessThanOrEqual(worst, 1, file)  // NaN fails
      }
    }
  }

  /// `image_dataset_from_directory(image_size=(24, 20))`, RGB and grayscale: our decode + resize gives Keras's floats
  /// (≤ 1e-4 for PNG files, one level for JPEG).
  func testResizeMatchesKerasImageDatasetFromDirectory() throws {
    let keras = try npz(root + "keras.npz")
    let meta = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: root + "keras.json"))) as? [String: Any])
    for (mode, channels) in [("rgb", 3), ("grayscale", 1)] {
      let files = try XCTUnwrap(meta["\(mode)_files"] as? [String])
      let images = try XCTUnwrap(keras["\(mode)_images"])
      XCTAssertEqual(images.shape, [files.count, 24, 20, channels])
      let size = 24 * 20 * channels
      for (index, file) in files.enumerated() {
        var out = [Float](repeating: .nan, count: size)  // a cell the resize leaves unwritten stays NaN and fails
        let image = try ImageCodec.read(path: root + "tree/" + file, channels: channels)
        out.withUnsafeMutableBufferPointer { image.resized(height: 24, width: 20, into: $0.baseAddress!) }
        let want = images.values[(index * size)..<((index + 1) * size)]
        let worst = zip(out, want).reduce(Float(0)) { worse($0, abs($1.0 - $1.1)) }
        XCTAssertLessThanOrEqual(worst, file.lowercased().hasSuffix(".png") ? 1e-4 : 1, "\(mode) \(file)")
      }
    }
  }

  /// The folder's classes and file order are Keras's, and `validation_split=0.25, seed=7` takes the same files.
  func testFolderIndexAndSplitMatchKeras() throws {
    let meta = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: root + "keras.json"))) as? [String: Any])
    let folder = try ImageFolder.index(path: root + "tree")
    func relative(_ paths: [String]) -> [String] { paths.map { String($0.dropFirst(folder.root.count + 1)) } }
    XCTAssertEqual(folder.classNames, meta["class_names"] as? [String])
    XCTAssertEqual(relative(folder.files), meta["rgb_files"] as? [String])
    XCTAssertEqual(folder.labels, folder.files.map { $0.contains("/cats/") ? 0 : 1 })
    let (train, validation) = folder.split(validation: 0.25, seed: 7)
    XCTAssertEqual(relative(train.files), meta["training_files"] as? [String])
    XCTAssertEqual(relative(validation.files), meta["validation_files"] as? [String])
    XCTAssertEqual(validation.labels, validation.files.map { $0.contains("/cats/") ? 0 : 1 })
    var random = NumpyRandomState(seed: 5489)  // the Mersenne Twister's reference: first outputs for seed 5489
    XCTAssertEqual((0..<3).map { _ in random.next32() }, [3_499_211_612, 581_869_302, 3_890_346_734])
  }

  func testEncodedPNGAndJPEGDecodeBack() throws {
    var pixels: [UInt8] = []
    for y in 0..<9 { for x in 0..<7 { pixels += [UInt8(x * 30), UInt8(y * 25), UInt8((x + y) * 10)] } }
    let image = Image8(height: 9, width: 7, channels: 3, pixels: pixels)
    XCTAssertEqual(try ImageCodec.decode(try ImageCodec.png(image), name: "x.png"), image)
    let jpeg = try ImageCodec.decode(try ImageCodec.jpeg(image, quality: 100), name: "x.jpg")
    XCTAssertEqual([jpeg.height, jpeg.width, jpeg.channels], [9, 7, 3])
    XCTAssertLessThanOrEqual(zip(jpeg.pixels, pixels).map { abs(Int($0) - Int($1)) }.max() ?? 255, 24)  // 4:2:0 chroma on sharp colour steps
    let grey = try ImageCodec.decode(try ImageCodec.png(image), channels: 1, name: "x.png")
    XCTAssertEqual(grey.channels, 1)
    let luma: Double = 0.299 * 30 + 0.587 * 25 + 0.114 * 10  // pixel (1, 1): R 30, G 25, B 10
    XCTAssertEqual(Double(grey.pixels[8]), luma.rounded(), accuracy: 1)
  }

  /// Damaged files are one message each, never a crash: truncated at every length, bytes flipped, not an image.
  func testDamagedImagesAreErrors() throws {
    for name in ["cats/cats0.png", "cats/cats0.jpg", "dogs/dogs-palette.png", "dogs/dogs-grey.jpeg"] {
      let bytes = try FileIO.readAll(path: root + "tree/" + name)
      for length in stride(from: 0, to: bytes.count - 1, by: max(1, bytes.count / 40)) {
        XCTAssertThrowsError(try ImageCodec.decode(Array(bytes[..<length]), channels: 3, name: name), "\(name) cut at \(length)") { error in
          let message = (error as? DataError)?.message ?? ""
          XCTAssertFalse(message.isEmpty || message.contains("out of memory"), "\(name) cut at \(length): \(message)")
          if length > 100 { XCTAssertTrue(message.hasPrefix("truncated"), "\(name) cut at \(length): \(message)") }
        }
      }
      var rng: UInt64 = 7
      for _ in 0..<200 {  // flipped bytes: an error or an image, never a crash
        var damaged = bytes
        for _ in 0..<4 {
          rng = rng &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
          damaged[Int(rng >> 33) % damaged.count] ^= UInt8(truncatingIfNeeded: rng >> 20) | 1
        }
        _ = try? ImageCodec.decode(damaged, channels: 3, name: name)
      }
    }
    XCTAssertThrowsError(try ImageCodec.decode(Array("GIF89a".utf8), name: "a.gif")) { error in
      XCTAssertEqual("\(error)", "a.gif: not a PNG or JPEG image")
    }
  }

  private func npz(_ path: String) throws -> [String: DataArray] {
    let archive = try ZipArchive.read(path: path)
    var arrays: [String: DataArray] = [:]
    for member in archive.members {
      let bytes = try XCTUnwrap(try archive.contents(of: member.name))
      arrays[String(member.name.dropLast(4))] = try NPYReader.parse(bytes, name: member.name)
    }
    return arrays
  }
}
