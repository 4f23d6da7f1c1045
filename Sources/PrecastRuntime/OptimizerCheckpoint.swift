// OptimizerCheckpoint.swift: maps the optimizer's flat slots to Keras's list of optimizer variables and back (--resume).

extension Optimizer {
  /// Keras's optimizer name (`OptimizerConfig.kerasName`).
  public var kerasName: String { config.kerasName }

  /// Keras's slot order: each group is written variable by variable, interleaving its slots (Adam: m, v of
  /// the first variable, then of the second…); separate groups follow one another (RMSprop: every velocity,
  /// then every momentum). Pairs are (index in `slots`, Keras's slot name).
  var kerasSlotGroups: [[(slot: Int, name: String)]] {
    switch config.rule {
    case .sgd(let momentum, _): return momentum == 0 ? [] : [[(0, "momentum")]]
    case .adam(_, _, _, let amsgrad): return [[(0, "momentum"), (1, "velocity")]] + (amsgrad ? [[(2, "velocity_hat")]] : [])
    case .rmsprop(_, let momentum, _, let centered):
      var groups = [[(0, "velocity")]]
      if momentum > 0 { groups.append([(1, "momentum")]) }
      if centered { groups.append([(momentum > 0 ? 2 : 1, "average_gradient")]) }
      return groups
    case .adagrad: return [[(0, "accumulator")]]
    case .adadelta: return [[(0, "accumulated_grad"), (1, "accumulated_delta_var")]]
    case .adamax: return [[(0, "momentum"), (1, "norm")]]
    case .nadam: return [[(0, "momentum"), (1, "velocity")]]
    }
  }

  /// The trained weights, in Keras's `trainable_variables` order.
  func trainedWeights(_ weights: [WeightSlot]) -> [WeightSlot] {
    let ranges = Set(segments.map { [$0.lowerBound, $0.upperBound] })
    return weights.filter { ranges.contains([$0.offset, $0.offset + $0.count]) }
  }

  /// The state as Keras saves it: iteration, learning rate, the slots in Keras's order (Nadam's u_product last).
  /// The slots borrow the optimizer's memory: use the result before the next step.
  public func kerasVariables(weights: [WeightSlot], modelName: String) -> OptimizerVariables {
    var slots: [OptimizerVariables.Slot] = []
    for group in kerasSlotGroups {
      for weight in trainedWeights(weights) {
        for (slot, name) in group {
          let start = self.slots + slot * count + weight.offset
          slots.append(OptimizerVariables.Slot(
            name: "\(modelName)_\(weight.layer)_\(weight.name)_\(name)", shape: weight.shape,
            borrowing: UnsafeBufferPointer(start: start, count: weight.count)))
        }
      }
    }
    if case .nadam = config.rule { slots.append(OptimizerVariables.Slot(name: "variable", shape: [], values: [uProduct])) }
    return OptimizerVariables(name: kerasName, iterations: iterations, learningRate: learningRate, slots: slots)
  }

  /// Loads a saved state (Keras's or ours); the variable count and every shape must match this optimizer.
  public func restore(_ saved: OptimizerVariables, weights: [WeightSlot], path: String) throws(PrecastError) {
    let expected = kerasVariables(weights: weights, modelName: "")
    guard saved.slots.count == expected.slots.count else {
      throw PrecastError(
        "\(path): the saved optimizer state has \(saved.slots.count + 2) variables, \(config.kerasClassName) here needs "
          + "\(expected.slots.count + 2) (a different optimizer, or other frozen layers?)")
    }
    for (got, want) in zip(saved.slots, expected.slots) where got.count != want.count {
      throw PrecastError("\(path): optimizer variable \(want.name.dropFirst()) has shape \(got.shape), expected \(want.shape)")
    }
    var index = 0
    for group in kerasSlotGroups {
      for weight in trainedWeights(weights) {
        for (slot, _) in group {
          let values = saved.slots[index].values
          values.withUnsafeBufferPointer { (self.slots + slot * count + weight.offset).update(from: $0.baseAddress!, count: weight.count) }
          index += 1
        }
      }
    }
    let uProduct: Float = if case .nadam = config.rule { saved.slots.last?.values.first ?? 1 } else { 1 }
    restore(iterations: saved.iterations, learningRate: saved.learningRate, uProduct: uProduct)
  }
}
