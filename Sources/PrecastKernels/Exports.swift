// Exports.swift: kernels speak the shared vocabulary (activations, losses, optimizers, initializers).
@_exported import PrecastCore
