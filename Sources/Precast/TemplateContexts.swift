// TemplateContexts.swift: the typed values the templates print. One struct per template and per layer kind, built
// from the plan; Swift text comes from `SwiftLiterals.swift`. A template section over an optional kind context
// (`{{#dense}}…{{/dense}}`) renders that kind's template, whose keys are looked up in the kind's context first, then
// in the layer's, then in the model's.
import Foundation

// MARK: - The model

/// What `Model.swift`, `Package.swift`, `README.md` and the two `main.swift` templates print.
struct ModelContext {
  var name: String
  var typeName: String
  var moduleName: String
  /// What the user passed to `precast generate`, and the `model.summary()` table for the README.
  var source: String
  var summary: String
  var precastPath: String
  var inputShape: String
  var inputSize: Int
  var outputSize: Int
  var layers: [LayerContext]
  var layerTable: [String]
  var weightSlots: [WeightSlotContext]
  var parameterCount: Int
  var parameterBytes: String
  var slotBytes: String
  var arenaPerSample: Int
  var arenaBytesAt128: String
  var buffers: [BufferContext]
  var fixedBuffers: [FixedBufferContext]
  var hasFixedBuffers: Bool
  var fixedTotal: Int
  var fixedBytes: String
  // Compile settings (ModelInfo literals)
  var loss: String
  var fromLogits: Bool
  var metrics: String
  var accuracyKind: String
  var optimizer: String
  var epochs: Int
  var batchSize: Int
  var validationSplit: String
  var shuffle: Bool
  var kerasModelConfigLines: [String]
  var gemmLayers: [String]
  var lossDescription: String
  var optimizerDescription: String
  var metricsDescription: String
  // The passes
  var trainOutput: String
  var inferenceOutput: String
  var inferenceCalls: [ForwardCallContext]
  var trainingCalls: [ForwardCallContext]
  var backwardCalls: [BackwardCallContext]
  var activityPenalties: [PenaltyContext]
  var hasActivityPenalties: Bool
  var lossCall: String
  var evaluateLossCall: String
  /// `StepProbe`'s buckets: the `Part` cases (one per layer, then the loss and the rest).
  var partCases: String
  var lossPart: String
  var otherPart: String
  /// The inspection passes of a convnet, or nil.
  var inspection: InspectionContext?
}

/// One weight: its `WeightSlot` literal's values and its view.
struct WeightSlotContext {
  var layer: String
  var name: String
  var shape: String
  var offset: Int
  var end: Int
  var count: Int
  var view: String
  var initializer: String
  var fanIn: Int
  var fanOut: Int
  var trainable: Bool
  var regularizer: String?
  var constraint: String?
}

/// A per-sample buffer of the arena: floats, or `bytes` bytes packed in `width` float slots.
struct BufferContext {
  var name: String
  var width: Int
  var offset: Int
  var comment: String
  var bytes: Int?
}

/// A buffer of fixed size.
struct FixedBufferContext {
  var name: String
  var count: Int
  var offset: Int
  var comment: String
}

/// A forward call in `predict` or `trainStep`.
struct ForwardCallContext {
  var fn: String
  var input: String
  var usesRandom = false
  var part: String
}

/// A backward call in `trainStep`, with the activity regularizer's gradient added before it.
struct BackwardCallContext {
  var fn: String
  var gradient: String
  var part: String
  var hasInput: Bool
  var input: String
  var writesInputGradient: Bool
  var inputGradient: String
  var activityRegularizer: String?
  var outputBuffer: String
  var width: Int
}

/// A layer's activity regularizer: its penalty joins the loss.
struct PenaltyContext {
  var name: String
  var outputBuffer: String
  var width: Int
  var regularizer: String
}

// MARK: - Layers

/// What every layer template uses, and the context of its kind (exactly one is set, or one of the flags).
struct LayerContext {
  var index: Int
  var name: String
  var className: String
  var fn: String
  /// How the layer reads in the builder (`Dense(12, relu)`), and its shapes without the batch.
  var declaration: String
  var inputDescription: String
  var outputDescription: String
  var outputShape: String
  var width: Int
  var outputBuffer: String
  var zBuffer: String
  var parameterCount: Int
  var weightList: String
  /// The activation whose derivative its backward applies (nil: fused elsewhere, or linear).
  var backwardActivation: String?
  /// What its backward takes: x, and room for dx.
  var readsInput: Bool
  var writesInputGradient: Bool
  /// Convolution and pooling layers: the `Window2D` literal and its description.
  var window: String?
  var windowDescription: String?

  var dense: DenseContext?
  var dropout: DropoutContext?
  var activationLayer: ActivationContext?
  var conv2D: Conv2DContext?
  var pooling2D: Pooling2DContext?
  var globalPooling2D: GlobalPooling2DContext?
  var batchNormalization: BatchNormalizationContext?
  var embedding: EmbeddingContext?
  var masking: MaskingContext?
  var recurrent: RecurrentContext?
  var bidirectional: BidirectionalContext?
  /// A MaxPooling2D fused into the Conv2D before it; Flatten and Reshape (no code).
  var fusedPooling2D = false
  var flatten = false
  var reshape = false
}

struct DenseContext {
  var units: Int
  var inputs: Int
  var activation: String
  var activationName: String
  var kernel: String
  var gradientOf: String
  var useBias: Bool
  var bias: String?
  var biasPointer: String
  var biasGradientPointer: String
}

struct DropoutContext {
  var rate: String
  var maskBuffer: String
}

struct ActivationContext {
  var activation: String
  var activationName: String
}

struct Conv2DContext {
  var filters: Int
  var activation: String
  var activationName: String
  var kernel: String
  var kernelShape: String
  var useBias: Bool
  var bias: String?
  var biasPointer: String
  var biasGradientPointer: String
  /// Images per GEMM, the lowering (and why), Winograd's tile and scratch.
  var chunk: Int
  var method: String
  var winograd: Bool
  var winogradTile: Int
  var scratchCount: Int
  /// Fused with the MaxPooling2D after it: the pooling window, its argmax buffer and shapes.
  var fusedPool: Bool
  var poolWindow: String?
  var argmaxBuffer: String?
  var pooledDescription: String?
  var poolSize: String?
  var pixels: Int
  var gradientOf: String
}

struct Pooling2DContext {
  var poolName: String
  var isMax: Bool
  var poolsRelu: Bool
}

struct GlobalPooling2DContext {
  var poolName: String
  var isMax: Bool
  var pixels: Int
  var channels: Int
  var maskArgument: String
}

struct BatchNormalizationContext {
  var frozenByDeclaration: Bool
  var channels: Int
  var rowsPerSample: Int
  var momentum: String
  var epsilon: String
  var normalizedBuffer: String
  var inverseStdBuffer: String
  var gammaPointer: String
  var betaPointer: String
  var dGammaPointer: String
  var dBetaPointer: String
  var movingMeanPointer: String
  var movingVariancePointer: String
}

struct EmbeddingContext {
  var inputDim: Int
  var outputDim: Int
  var steps: Int
  var table: String
  var stepMask: String?
}

struct MaskingContext {
  var steps: Int
  var features: Int
  var maskValue: String
  var stepMask: String
}

/// SimpleRNN, GRU and LSTM: shapes, weights, state buffers, input reversal and dropout; `gru`/`lstm` add their own.
struct RecurrentContext {
  var units: Int
  var steps: Int
  var features: Int
  var kernel: String
  var recurrentKernel: String
  var bias: String
  var gatesBuffer: String
  var hiddenBuffer: String
  var hiddenGradientBuffer: String
  /// Every step's hidden state, or the last step's (`stepWidth` floats per sample, the last at `lastOffset`).
  var returnSequences: Bool
  var stepWidth: Int
  var lastOffset: Int
  /// go_backwards: the input reversed into `reversedBuffer` (and the mask from `unreversedMask` into `reversedMask`).
  var goBackwards: Bool
  var reversedBuffer: String?
  var reversedMask: String?
  var unreversedMask: String?
  var sequenceInput: String
  var backwardInput: String
  /// dropout on the input (one mask, or one per gate with `gateDropout`), recurrent_dropout on the state.
  var dropout: Bool
  var dropoutRate: String?
  var maskBuffer: String?
  var droppedBuffer: String?
  var gateDropout: Bool
  var gateInputWidth: Int?
  var inputDropoutBuffers: String?
  var recurrentDropout: Bool
  var recurrentDropoutRate: String?
  var recurrentMaskBuffer: String?
  var gateWidth: Int?
  var recurrentDropoutBuffers: String?
  var trainingForward: Bool
  var trainingInput: String
  /// The kernels' optional arguments (other activations, a step mask).
  var optionArguments: String

  var simpleRNN = false
  var gru: GRUContext?
  var lstm: LSTMContext?
}

struct GRUContext {
  var recurrentBuffer: String
  /// reset_after=False: r ⊙ h_{t−1} per step and its gradient.
  var resetBefore: Bool
  var resetHiddenBuffer: String?
  var resetGradientBuffer: String?
}

struct LSTMContext {
  var cellsBuffer: String
  var cellGradientBuffer: String
}

/// A Bidirectional layer: its two directions (each a recurrent layer's context) and how their outputs merge. A class,
/// since it holds layer contexts.
final class BidirectionalContext {
  var innerClass: String
  var mergeMode: String
  var forwardLayer: LayerContext
  var backwardLayer: LayerContext
  var forwardFn: String
  var backwardFn: String
  var forwardReadsInput: Bool
  var backwardReadsInput: Bool
  var forwardOutput: String
  var backwardOutput: String
  var units: Int
  var mergeSteps: Int
  var returnSequences: Bool
  var forwardGradientBuffer: String
  var backwardGradientBuffer: String
  var inputGradientBuffer: String
  var inputWidth: Int
  var trainingForward: Bool
  /// With a step mask and returned sequences: zero the merged outputs at masked steps (`maskedStepWidth` floats each).
  var zeroMaskedSteps: String?
  var maskedStepWidth: Int

  init(_ layer: LayerPlan, merge: MergeMode, forward: LayerContext, backward: LayerContext) {
    let (f, b) = (layer.directions[0], layer.directions[1])
    let returnSequences = layer.spec.outputShape.count == 2
    innerClass = f.spec.className
    mergeMode = merge.rawValue
    forwardLayer = forward
    backwardLayer = backward
    forwardFn = f.fn
    backwardFn = b.fn
    forwardReadsInput = f.backwardReadsInput
    backwardReadsInput = b.backwardReadsInput
    forwardOutput = f.outputBuffer
    backwardOutput = b.outputBuffer
    units = f.spec.outputShape.last!
    mergeSteps = returnSequences ? layer.spec.inputShape[0] : 1
    self.returnSequences = returnSequences
    forwardGradientBuffer = layer.directionGradientBuffers[0]
    backwardGradientBuffer = layer.directionGradientBuffers[1]
    inputGradientBuffer = layer.inputGradientBuffer!
    inputWidth = layer.spec.inputShape.reduce(1, *)
    trainingForward = layer.spec.declaration.recurrent?.usesRandom == true
    zeroMaskedSteps = layer.stepMask
    maskedStepWidth = layer.spec.outputShape.last!
  }
}
