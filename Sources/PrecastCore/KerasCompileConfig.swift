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
