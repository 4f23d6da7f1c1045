// KerasConfig.swift: the Keras 3 `model_config` JSON of a spec, so keras.models.load_model opens our .h5 files. Each
// layer's config follows its class's entry in the vocabulary (KerasLayerVocabulary.swift), which the importer reads
// with too.

extension ModelSpec {
  /// `model.to_json()` of the equivalent Keras 3 Sequential model.
  public var kerasModelConfig: String {
    let batchShape = JSON.array([.null] + inputShape.map(JSON.int))
    let inputLayer = JSON.kerasObject(
      module: KerasLayerClass.module, className: KerasSequential.inputLayerClassName,
      config: [
        (KerasSequential.batchShapeKey, batchShape), ("dtype", .string("float32")), ("sparse", .bool(false)),
        ("ragged", .bool(false)), ("name", .string("input_layer")), ("optional", .bool(false)),
      ])
    return JSON.kerasObject(
      module: "keras", className: KerasSequential.className,
      config: [
        ("name", .string(name)), ("trainable", .bool(true)), ("dtype", .kerasFloat32Policy),
        ("layers", .array([inputLayer] + layers.map(\.kerasConfig))), (KerasSequential.buildInputShapeKey, batchShape),
      ],
      buildConfig: KerasSequential.buildConfig(batchShape)
    ).rendered
  }
}

extension LayerSpec {
  /// The layer as Keras serialises it, with its `build_config` when it has weights.
  var kerasConfig: JSON {
    if let wrapped = declaration.wrapped { return bidirectionalConfig(wrapped) }
    let kerasClass = KerasLayerClass.of(declaration)
    return .kerasObject(
      module: KerasLayerClass.module, className: kerasClass.className, config: kerasClass.config(of: declaration, name: name),
      buildConfig: weights.isEmpty ? nil : buildConfig)
  }

  private var buildConfig: JSON { KerasSequential.buildConfig(.array([.null] + inputShape.map(JSON.int))) }

  /// Keras's Bidirectional config (`KerasBidirectional`): the wrapper's arguments, the forward layer and the backward
  /// one, each with its half of the weights.
  private func bidirectionalConfig(_ wrapped: LayerDeclaration) -> JSON {
    let half = weights.count / 2
    func direction(_ side: String) -> JSON {
      var inner = wrapped
      inner.recurrent?.goBackwards = side == "backward"
      let innerName = KerasNames.bidirectionalLayerName(side: side, wrapped: wrapped.className)
      return LayerSpec(
        name: innerName, declaration: inner, inputShape: inputShape, outputShape: outputShape,
        weights: Array(side == "forward" ? weights[..<half] : weights[half...])
      ).kerasConfig
    }
    let config =
      KerasLayerArgument.config(KerasBidirectional.arguments, of: declaration, name: name)
      + [(KerasBidirectional.layerKey, direction("forward")), (KerasBidirectional.backwardLayerKey, direction("backward"))]
    return .kerasObject(module: KerasLayerClass.module, className: KerasBidirectional.className, config: config, buildConfig: buildConfig)
  }
}
