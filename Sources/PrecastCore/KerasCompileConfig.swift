// KerasCompileConfig.swift: `model.get_compile_config()` as Keras 3 serialises it (the `compile_config` of a `.keras`
// file's config.json), so `keras.models.load_model` compiles the model with the same loss, optimizer and metrics.

/// Keras 3's `compile_config`: `{"optimizer": {…}, "loss": …, "loss_weights": null, "metrics": […], …}`.
public func kerasCompileConfig(loss: Loss, fromLogits: Bool, optimizer: OptimizerConfig, metrics: [Metric]) -> JSON {
  .object([
    ("optimizer", optimizer.kerasConfig), ("loss", loss.kerasConfig(fromLogits: fromLogits)), ("loss_weights", .null),
    ("metrics", metrics.isEmpty ? .null : .array(metrics.map { .string($0.rawValue) })), ("weighted_metrics", .null),
    ("run_eagerly", .bool(false)), ("steps_per_execution", .int(1)), ("jit_compile", .bool(false)),
  ])
}

extension Loss {
  /// The loss in a compile config: its function's name, or with `from_logits=True` the loss object
  /// (`{"module": "keras.losses", "class_name": "BinaryCrossentropy", "config": {…, "from_logits": true}}`).
  public func kerasConfig(fromLogits: Bool) -> JSON {
    let className: String
    switch self {
    case .binaryCrossentropy where fromLogits: className = "BinaryCrossentropy"
    case .categoricalCrossentropy where fromLogits: className = "CategoricalCrossentropy"
    case .sparseCategoricalCrossentropy where fromLogits: className = "SparseCategoricalCrossentropy"
    default: return .string(rawValue)
    }
    return .object([
      ("module", .string("keras.losses")), ("class_name", .string(className)),
      ("config", .object([("name", .string(rawValue)), ("reduction", .string("sum_over_batch_size")), ("from_logits", .bool(true))])),
      ("registered_name", .null),
    ])
  }
}

extension OptimizerConfig {
  /// Keras's variable-name prefix for the optimizer (snake_case of the class: "adam", "rm_sprop", …), also the
  /// `name` in its config.
  public var kerasName: String { KerasNames.snakeCase(kerasClassName) }

  /// `keras.optimizers.serialize(optimizer)` of Keras 3. Keras 3 has no `decay` argument: a time-decayed optimizer
  /// is written with its initial learning rate (Keras would continue without the decay).
  public var kerasConfig: JSON {
    func number(_ x: Float) -> JSON { .number(Double(x)) }
    func optional(_ x: Float?) -> JSON { x.map(number) ?? .null }
    var config: [(String, JSON)] = [
      ("name", .string(kerasName)), ("learning_rate", number(learningRate)), ("weight_decay", .null),
      ("clipnorm", optional(clipNorm)), ("global_clipnorm", optional(globalClipNorm)), ("clipvalue", optional(clipValue)),
      ("use_ema", .bool(false)), ("ema_momentum", .number(0.99)), ("ema_overwrite_frequency", .null),
      ("loss_scale_factor", .null), ("gradient_accumulation_steps", .null),
    ]
    switch rule {
    case .sgd(let momentum, let nesterov):
      config += [("momentum", number(momentum)), ("nesterov", .bool(nesterov))]
    case .adam(let beta1, let beta2, let epsilon, let amsgrad):
      config += [("beta_1", number(beta1)), ("beta_2", number(beta2)), ("epsilon", number(epsilon)), ("amsgrad", .bool(amsgrad))]
    case .rmsprop(let rho, let momentum, let epsilon, let centered):
      config += [("rho", number(rho)), ("momentum", number(momentum)), ("epsilon", number(epsilon)), ("centered", .bool(centered))]
    case .adagrad(let initialAccumulator, let epsilon):
      config += [("initial_accumulator_value", number(initialAccumulator)), ("epsilon", number(epsilon))]
    case .adadelta(let rho, let epsilon):
      config += [("rho", number(rho)), ("epsilon", number(epsilon))]
    case .adamax(let beta1, let beta2, let epsilon), .nadam(let beta1, let beta2, let epsilon):
      config += [("beta_1", number(beta1)), ("beta_2", number(beta2)), ("epsilon", number(epsilon))]
    }
    return .object([
      ("module", .string("keras.optimizers")), ("class_name", .string(kerasClassName)), ("config", .object(config)),
      ("registered_name", .null),
    ])
  }
}
