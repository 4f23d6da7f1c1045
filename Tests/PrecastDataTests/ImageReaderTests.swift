// ImageReaderTests.swift: PGM/PPM images and CIFAR-10 binary batches, on hand-made files.

import XCTest

@testable import PrecastData

final class ImageReaderTests: XCTestCase {
  func testGreyPGMWithComment() throws {
    let bytes = Array("P5\n# made by hand\n3 2\n255\n".utf8) + [0, 10, 20, 30, 40, 255]
    let image = try NetpbmReader.parse(bytes, name: "a.pgm")
    XCTAssertEqual(image.shape, [1, 2, 3, 1])
    XCTAssertEqual(image.values, [0, 10, 20, 30, 40, 255])
  }

  func testColourPPMKeepsChannelsLast() throws {
    let bytes = Array("P6 2 1 255 ".utf8) + [1, 2, 3, 4, 5, 6]
    let image = try NetpbmReader.parse(bytes, name: "a.ppm")
    XCTAssertEqual(image.shape, [1, 1, 2, 3])
    XCTAssertEqual(image.values, [1, 2, 3, 4, 5, 6])
  }

  func testSixteenBitAndSmallMaximumScaleTo255() throws {
    let wide = try NetpbmReader.parse(Array("P5\n1 1\n65535\n".utf8) + [0xFF, 0xFF], name: "w.pgm")
    XCTAssertEqual(wide.values, [255])
    let small = try NetpbmReader.parse(Array("P5\n2 1\n15\n".utf8) + [15, 3], name: "s.pgm")
    XCTAssertEqual(small.values, [255, 51])
  }

  func testBadImagesAreExplained() {
    XCTAssertThrowsError(try NetpbmReader.parse(Array("P2\n1 1\n255\n0".utf8), name: "ascii.pgm")) { error in
      XCTAssertTrue("\(error)".contains("ascii.pgm") && "\(error)".contains("P5 or P6"), "\(error)")
    }
    XCTAssertThrowsError(try NetpbmReader.parse(Array("P5\n4 4\n255\n".utf8) + [1, 2], name: "short.pgm")) { error in
      XCTAssertTrue("\(error)".contains("short.pgm") && "\(error)".contains("expected 16 bytes, found 2"), "\(error)")
    }
    XCTAssertThrowsError(try NetpbmReader.parse(Array("P5\n4".utf8), name: "header.pgm")) { error in
      XCTAssertTrue("\(error)".contains("header"), "\(error)")
    }
  }

  func testCIFARRecordsBecomeNHWCRowsWithTheLabelLast() throws {
    var bytes: [UInt8] = []
    for label in [UInt8(3), 7] {
      bytes.append(label)
      for channel in 0..<3 { bytes += (0..<1024).map { UInt8(truncatingIfNeeded: $0 + channel * 100 + Int(label)) } }
    }
    let data = try CIFARReader.parse(bytes, name: "batch.bin")
    XCTAssertEqual(data.shape, [2, 3073])
    let second = Array(data.values[3073..<6146])
    XCTAssertEqual(second[3072], 7)
    // Pixel 5 of the second image: R = 5 + 7, G = 5 + 100 + 7, B = 5 + 200 + 7.
    XCTAssertEqual(Array(second[15..<18]), [12, 112, 212])
    XCTAssertEqual(data.values[3072], 3)
  }

  func testCIFARWithAPartialRecordIsRejected() {
    XCTAssertThrowsError(try CIFARReader.parse([UInt8](repeating: 0, count: 3000), name: "cut.bin")) { error in
      XCTAssertTrue("\(error)".contains("cut.bin") && "\(error)".contains("3073"), "\(error)")
    }
  }

  func testLoaderPicksReadersByName() {
    XCTAssertEqual(DataLoader.format(of: "/x/shoe.pgm"), .image)
    XCTAssertEqual(DataLoader.format(of: "cat.PPM"), .image)
    XCTAssertEqual(DataLoader.format(of: "cifar/data_batch_1.bin"), .cifar)
  }
}
