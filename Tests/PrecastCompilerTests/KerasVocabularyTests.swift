// KerasVocabularyTests.swift: the Keras vocabulary's tables read back what they write: every layer class with each
// argument at other values than Keras's default, every initializer, regularizer, constraint, optimizer, activation,
// loss and metric; and Keras's defaults in the tables are the builder's (a config without the optional keys reads as
// the builder's declaration).
import XCTest

@testable import Precast

final class KerasVocabularyTests: XCTestCase {
  // MARK: Layer classes

  /// For every class: the builder's declaration, written with only its required keys, reads back as itself (the
  /// table's defaults are the builder's); each argument at each of its example values, and all of them changed at
  /// once, round-trip through the written config.
  func testEveryLayerClassReadsBackWhatItWrites() throws {
    for kerasClass in KerasLayerClass.all {
      let what = kerasClass.className
      var declaration = kerasClass.prototype
      declaration.name = "layer"
      XCTAssertEqual(KerasLayerClass.of(declaration).className, what, "the builder's declaration is of another class")

      let required = Set(kerasClass.arguments.filter(\.isRequired).map(\.key) + ["name"])
      let minimal = kerasClass.config(of: declaration, name: "layer").filter { required.contains($0.0) }
      XCTAssertEqual(try read(kerasClass, minimal), declaration, "\(what): Keras's defaults are not the builder's")
      XCTAssertEqual(try roundTrip(kerasClass, declaration), declaration, what)

      var allChanged = declaration
      for argument in kerasClass.arguments {
        let variations = argument.variations(declaration)
        for varied in variations {
          XCTAssertEqual(try roundTrip(kerasClass, varied), varied, "\(what).\(argument.key)")
        }
        if let first = argument.variations(allChanged).first { allChanged = first }
      }
      XCTAssertEqual(try roundTrip(kerasClass, allChanged), allChanged, "\(what) with every argument changed")
    }
  }

  func testLayerClassesAreDistinctAndNamedAsKerasNamesThem() {
    let names = KerasLayerClass.all.map(\.className)
    XCTAssertEqual(Set(names).count, names.count)
    let recurrent = KerasLayerClass.all.filter(\.prototype.isRecurrent).map(\.className)
    XCTAssertEqual(Set(recurrent), KerasNames.recurrentClassNames)
    XCTAssertEqual(LeakyReLU().declaration.className, "LeakyReLU")
    XCTAssertEqual(GlobalAveragePooling1D().declaration.className, "GlobalAveragePooling1D")
    XCTAssertEqual(Bidirectional(GRU(3)).declaration.className, "Bidirectional")
    XCTAssertEqual(Bidirectional(GRU(3)).declaration.wrapped?.className, "GRU")
  }

  /// A fixed argument is refused at another value, naming the layer, class and argument; tf-keras's LeakyReLU `alpha`
  /// is read when `negative_slope` is missing.
  func testFixedArgumentsAndLegacyKeys() throws {
    let softmax = try XCTUnwrap(KerasLayerClass.named("Softmax"))
    XCTAssertThrowsError(try read(softmax, [("name", .string("s")), ("axis", .int(1))])) {
      XCTAssertEqual("\($0)", "layer 's' (Softmax): axis=1 is not supported (Precast computes -1)")
    }
    let leaky = try XCTUnwrap(KerasLayerClass.named("LeakyReLU"))
    XCTAssertEqual(try read(leaky, [("name", .string("l")), ("alpha", .number(0.1))]).kind, .activation(.leakyRelu(alpha: 0.1), layerClass: .leakyReLU))
    XCTAssertEqual(try read(leaky, [("name", .string("l"))]).kind, .activation(.leakyRelu(alpha: 0.3), layerClass: .leakyReLU))
  }

  private func read(_ kerasClass: KerasLayerClass, _ config: [(String, JSON)]) throws -> LayerDeclaration {
    try kerasClass.declaration(KerasLayerConfig(className: kerasClass.className, .object(config)))
  }

  /// The declaration written, rendered, parsed and read again.
  private func roundTrip(_ kerasClass: KerasLayerClass, _ declaration: LayerDeclaration) throws -> LayerDeclaration {
    let written = JSON.object(kerasClass.config(of: declaration, name: declaration.name ?? "layer"))
    guard case .object(let pairs) = try JSON.parse(written.rendered) else { throw SpecError("not an object") }
    return try read(kerasClass, pairs)
  }

  // MARK: Objects in the configs

  /// Every initializer, regularizer, constraint and optimizer class: at Keras's defaults (its config empty) and with
  /// every parameter changed, the value written reads back as itself.
  func testObjectClassesReadBackWhatTheyWrite() throws {
    try checkFamily(Initializer.kerasVocabulary)
    try checkFamily(Regularizer.kerasVocabulary)
    try checkFamily(Constraint.kerasVocabulary)
    for kerasClass in OptimizerConfig.kerasVocabulary.classes {
      for values in [kerasClass.defaults, changed(kerasClass.defaults)] {
        let optimizer = kerasClass.value(values)
        XCTAssertEqual(try KerasCompile.optimizer(try JSON.parse(optimizer.kerasConfig.rendered)), optimizer, kerasClass.className)
      }
      let empty = JSON.object([("class_name", .string(kerasClass.className)), ("config", .object([]))])
      XCTAssertEqual(try KerasCompile.optimizer(empty), kerasClass.value(kerasClass.defaults), kerasClass.className)
    }
  }

  /// The builder's defaults are Keras's: the optimizers, regularizers and constraints the builder makes without
  /// arguments read from an empty config of their class.
  func testBuilderDefaultsAreTheTables() throws {
    let optimizers: [OptimizerConfig] = [.sgd(), .adam(), .rmsprop(), .adagrad(), .adadelta(), .adamax(), .nadam()]
    for optimizer in optimizers {
      let empty = JSON.object([("class_name", .string(optimizer.kerasClassName))])
      XCTAssertEqual(try KerasCompile.optimizer(empty), optimizer, optimizer.kerasClassName)
    }
    let config = KerasLayerConfig(className: "Test", .object([]))
    func empty(_ className: String) -> JSON { .object([("class_name", .string(className)), ("config", .object([]))]) }
    XCTAssertEqual(try config.object(empty("L1"), key: "k", Regularizer.kerasVocabulary), .l1())
    XCTAssertEqual(try config.object(empty("L2"), key: "k", Regularizer.kerasVocabulary), .l2())
    XCTAssertEqual(try config.object(empty("L1L2"), key: "k", Regularizer.kerasVocabulary), .l1l2())
    XCTAssertEqual(try config.object(empty("MaxNorm"), key: "k", Constraint.kerasVocabulary), .maxNorm())
    XCTAssertEqual(try config.object(empty("UnitNorm"), key: "k", Constraint.kerasVocabulary), .unitNorm())
    XCTAssertEqual(try config.object(empty("Orthogonal"), key: "k", Initializer.kerasVocabulary), .orthogonal())
    XCTAssertEqual(try config.object(empty("TruncatedNormal"), key: "k", Initializer.kerasVocabulary), .truncatedNormal())
    XCTAssertEqual(try config.object(.string("random_normal"), key: "k", Initializer.kerasVocabulary), .normal)
    // The builder's randomNormal() and randomUniform() have Keras's defaults (as Floats).
    for initializer in [Initializer.randomNormal(), .randomUniform()] {
      let (kerasClass, values) = Initializer.kerasVocabulary.kerasClass(of: initializer)
      XCTAssertEqual(values.map(\.float), kerasClass.defaults.map(\.float), "\(initializer)")
    }
  }

  private func checkFamily<Value: Equatable>(_ family: KerasObjectFamily<Value>) throws {
    let config = KerasLayerConfig(className: "Test", .object([]))
    for kerasClass in family.classes {
      for values in [kerasClass.defaults, changed(kerasClass.defaults)] {
        let value = kerasClass.value(values)
        let written = try JSON.parse(family.config(of: value).rendered)
        XCTAssertEqual(written["class_name"]?.stringValue, kerasClass.className, "\(value)")
        XCTAssertEqual(try config.object(written, key: "k", family), value, kerasClass.className)
      }
      let empty = JSON.object([("class_name", .string(kerasClass.className)), ("config", .object([]))])
      XCTAssertEqual(try config.object(empty, key: "k", family), kerasClass.value(kerasClass.defaults), kerasClass.className)
    }
  }

  /// Other values than Keras's defaults: numbers + 0.5, booleans flipped, axes [0, 1], optional numbers set.
  private func changed(_ values: [KerasParameterValue]) -> [KerasParameterValue] {
    values.map { value in
      switch value {
      case .number(let x): .number(x + 0.5)
      case .optionalNumber: .optionalNumber(0.5)
      case .bool(let b): .bool(!b)
      case .axes: .axes([0, 1])
      }
    }
  }

  // MARK: Names

  func testActivationNamesReadBackAndSlopesAsLayerObjects() throws {
    for (name, function) in ActivationFunction.kerasNames {
      XCTAssertEqual(ActivationFunction(kerasName: name), function, name)
    }
    XCTAssertEqual(ActivationFunction.swish.kerasName, "silu")
    XCTAssertEqual(ActivationFunction.leakyRelu(alpha: 0.1).kerasName, "leaky_relu")
    let dense = try XCTUnwrap(KerasLayerClass.named("Dense"))
    for function: ActivationFunction in [.swish, .hardSigmoid, .leakyRelu, .leakyRelu(alpha: 0.1), .elu(alpha: 0.5)] {
      var declaration = Dense(2, activation: function).declaration
      declaration.name = "d"
      XCTAssertEqual(try roundTrip(dense, declaration), declaration, "\(function)")
    }
  }

  func testLossesAndMetricsByEveryKerasName() throws {
    for loss in Loss.allCases {
      XCTAssertEqual(Loss(kerasName: loss.rawValue), loss)
      XCTAssertEqual(Loss(kerasName: loss.kerasClassName), loss, loss.kerasClassName)
      let fromLogits = !loss.isElementwise
      let (read, logits) = try KerasCompile.loss(try JSON.parse(loss.kerasConfig(fromLogits: fromLogits).rendered))
      XCTAssertEqual(read, loss)
      XCTAssertEqual(logits, fromLogits)
    }
    for (alias, loss) in Loss.kerasAliases { XCTAssertEqual(Loss(kerasName: alias), loss, alias) }
    for metric in Metric.allCases { XCTAssertEqual(Metric(kerasName: metric.rawValue), metric) }
    XCTAssertEqual(Metric(kerasName: "acc"), .accuracy)
    XCTAssertEqual(Metric(kerasName: "RootMeanSquaredError"), .rootMeanSquaredError)
  }

  func testOptimizerNamesInConfigsAndWeightFiles() {
    XCTAssertEqual(OptimizerConfig.rmsprop().kerasClassName, "RMSprop")
    XCTAssertEqual(OptimizerConfig.rmsprop().kerasName, "rm_sprop")
    XCTAssertEqual(OptimizerConfig.sgd().kerasName, "sgd")
    XCTAssertEqual(OptimizerConfig.kerasVocabulary.kerasClass(named: "Custom>Adam".replacingOccurrences(of: "Custom>", with: ""))?.className, "Adam")
  }

  /// Keras's automatic names: dense, dense_1, … per base name (layers and `.weights.h5` groups).
  func testNumberingCountsEachBaseName() {
    var numbering = KerasNames.Numbering()
    XCTAssertEqual(["dense", "dropout", "dense", "dense"].map { numbering.next($0) }, ["dense", "dropout", "dense_1", "dense_2"])
  }
}
