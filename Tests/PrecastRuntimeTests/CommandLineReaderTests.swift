import XCTest
import PimaModel
import PrecastRuntime
@testable import PrecastInference

/// The inference binary's hand-written command-line reader: every form it accepts and every error it gives.
final class CommandLineReaderTests: XCTestCase {
  private func read(_ arguments: [String]) throws -> InferCommand<Pima> {
    var command = InferCommand<Pima>()
    try CommandLineReader.read(arguments, options: InferCommand<Pima>.options, into: &command) { $0.inputs.append($1) }
    try command.validate()
    return command
  }

  func testOptionsFlagsAndPositionals() throws {
    let command = try read(["--weights", "w.h5", "a.csv", "--classes", "--batch-size=32", "-", "--threads", "2", "--", "--odd.csv"])
    XCTAssertEqual(command.weights, "w.h5")
    XCTAssertEqual(command.inputs, ["a.csv", "-", "--odd.csv"])
    XCTAssertTrue(command.classes)
    XCTAssertFalse(command.targetsIncluded)
    XCTAssertEqual(command.batchSize, 32)
    XCTAssertEqual(command.threads, 2)
    XCTAssertEqual(command.padding, "pre")
  }

  func testErrorsNameTheOption() {
    for (arguments, message) in [
      (["--weights", "w.h5", "--bogus"], "unknown option '--bogus'"),
      (["--weights"], "missing value for '--weights <weights>'"),
      (["--weights", "w.h5", "--batch-size", "many"], "--batch-size: 'many' is not an integer"),
      (["--weights", "w.h5", "--batch-size", "0"], "--batch-size must be at least 1"),
      (["--weights", "w.h5", "--classes=yes"], "'--classes' takes no value"),
      (["a.csv"], "--weights is required"),
      (["--weights", "w.h5", "--sequences", "bag"], "--sequences must be pad or multi-hot, --padding and --truncating pre or post"),
    ] {
      XCTAssertThrowsError(try read(arguments), "\(arguments)") { error in
        XCTAssertEqual((error as? PrecastError)?.message, message)
      }
    }
  }

  func testHelpListsEveryOption() {
    let help = InferCommand<Pima>.help
    XCTAssertTrue(help.hasPrefix("OVERVIEW: Predict with the 'pima' model"))
    for option in InferCommand<Pima>.options { XCTAssertTrue(help.contains("  " + option.synopsis + " "), option.name) }
  }
}
