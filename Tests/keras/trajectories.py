# trajectories.py: writes Keras's training trajectories (per-step loss, final weights) for each optimizer as test fixtures.
#
# Run: KERAS_BACKEND=jax .build-keras-venv/bin/python Tests/keras/trajectories.py [NAME …] from the repository root
# (all fixtures, or the named ones; the venv is the one Scripts/keras-roundtrip.sh makes; TRAJECTORIES_OUT changes
# the directory). For each model of MODELS (the Pima MLP, a small CNN, the regularized MLP, stacked and reversed
# RNNs, Bidirectional wrappers, dilated convolutions, mask_zero, Masking: each the architecture of a check model) and each optimizer configuration below, it starts from the same saved
# initial weights, feeds the same batches in order (no shuffling, no dropout) through `train_on_batch`, and
# records the loss of every step (computed before that step's update, as Keras reports it) and the final
# weights. PrecastKerasParityTests.TrajectoryTests replays the same steps and compares within 1e-4 relative.
import json
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "jax")
import keras  # noqa: E402
import numpy as np  # noqa: E402

OUT = os.environ.get("TRAJECTORIES_OUT", "Tests/Fixtures/keras/trajectories")
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
STEPS = 12


def optimizers():
    """(name, Keras optimizer, the same configuration in Precast's terms)."""
    o = keras.optimizers
    s = keras.optimizers.schedules
    return [
        ("sgd_nesterov", o.SGD(0.01, momentum=0.9, nesterov=True), {"rule": "sgd", "lr": 0.01, "momentum": 0.9, "nesterov": True}),
        ("sgd_decay", o.SGD(s.InverseTimeDecay(0.1, decay_steps=1, decay_rate=0.05), momentum=0.9),
         {"rule": "sgd", "lr": 0.1, "momentum": 0.9, "decay": 0.05}),
        ("adam", o.Adam(0.01), {"rule": "adam", "lr": 0.01}),
        ("adam_amsgrad_clipnorm", o.Adam(0.01, amsgrad=True, clipnorm=0.5), {"rule": "adam", "lr": 0.01, "amsgrad": True, "clipnorm": 0.5}),
        ("rmsprop", o.RMSprop(0.005), {"rule": "rmsprop", "lr": 0.005}),
        ("rmsprop_centered_momentum", o.RMSprop(0.005, momentum=0.5, centered=True),
         {"rule": "rmsprop", "lr": 0.005, "momentum": 0.5, "centered": True}),
        ("adagrad_clipvalue", o.Adagrad(0.05, clipvalue=0.1), {"rule": "adagrad", "lr": 0.05, "clipvalue": 0.1}),
        ("adadelta", o.Adadelta(1.0), {"rule": "adadelta", "lr": 1.0}),
        ("adamax", o.Adamax(0.01), {"rule": "adamax", "lr": 0.01}),
        ("nadam_global_clipnorm", o.Nadam(0.01, global_clipnorm=1.0), {"rule": "nadam", "lr": 0.01, "global_clipnorm": 1.0}),
    ]


def pima():
    rows = np.loadtxt(os.path.join(REPO, "Examples/data/pima-indians-diabetes.csv"), delimiter=",", dtype=np.float64)[:96]
    x = rows[:, :8]
    x = ((x - x.mean(axis=0)) / x.std(axis=0)).astype(np.float32)
    y = rows[:, 8:9].astype(np.float32)
    model = keras.Sequential([
        keras.Input((8,)),
        keras.layers.Dense(12, activation="relu"),
        keras.layers.Dense(8, activation="relu"),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
    return "pima", model, "binary_crossentropy", x, y, 32


def regularized():
    _, _, loss, x, y, batch = pima()
    r, c = keras.regularizers, keras.constraints
    model = keras.Sequential([
        keras.Input((8,)),
        keras.layers.Dense(12, activation="relu", kernel_regularizer=r.L2(0.01), activity_regularizer=r.L1(0.001),
                           kernel_constraint=c.MaxNorm(2)),
        keras.layers.Dense(8, activation="relu", bias_regularizer=r.L1L2(l1=0.01, l2=0.01), kernel_constraint=c.NonNeg()),
        keras.layers.Dense(1, activation="sigmoid", kernel_constraint=c.UnitNorm()),
    ])
    return "regularized", model, loss, x, y, batch


def recurrent(kind):
    """Stacked LSTM, GRU or SimpleRNN on float sequences [5, 3] (check-lstm-stack, check-gru-stack, check-simple-rnn)."""
    rng = np.random.default_rng(5)
    x = rng.normal(size=(32, 5, 3)).astype(np.float32)
    layer = {"lstm": keras.layers.LSTM, "gru": keras.layers.GRU, "rnn": keras.layers.SimpleRNN}[kind]
    if kind == "rnn":
        y = (x[:, :, :2].sum(axis=1) > 0).astype(np.float32)
        head, loss = keras.layers.Dense(2, activation="sigmoid"), "binary_crossentropy"
    elif kind == "lstm":
        y = np.eye(2, dtype=np.float32)[(x[:, :, 0].sum(axis=1) > 0).astype(int)]
        head, loss = keras.layers.Dense(2, activation="softmax"), "categorical_crossentropy"
    else:
        y = x[:, :, :2].mean(axis=1).astype(np.float32)
        head, loss = keras.layers.Dense(2), "mean_squared_error"
    model = keras.Sequential([keras.Input((5, 3)), layer(4, return_sequences=True), layer(3), head])
    return f"{kind}-stack", model, loss, x, y, 8


def backwards():
    """go_backwards: LSTM(4, return_sequences) → GRU(3), both reversed (check-rnn-backwards)."""
    rng = np.random.default_rng(6)
    x = rng.normal(size=(32, 5, 3)).astype(np.float32)
    y = np.stack([x[:, 0, 0], x[:, -1, 1]], axis=1).astype(np.float32)  # depends on the order of the steps
    model = keras.Sequential([
        keras.Input((5, 3)), keras.layers.LSTM(4, return_sequences=True, go_backwards=True),
        keras.layers.GRU(3, go_backwards=True), keras.layers.Dense(2),
    ])
    return "backwards", model, "mean_squared_error", x, y, 8


def gru_reset_before():
    """GRU(reset_after=False), stacked, the second relu/hard_sigmoid (check-gru-reset-before)."""
    name, _, loss, x, y, batch = recurrent("gru")
    model = keras.Sequential([
        keras.Input((5, 3)), keras.layers.GRU(4, return_sequences=True, reset_after=False),
        keras.layers.GRU(3, activation="relu", recurrent_activation="hard_sigmoid", reset_after=False), keras.layers.Dense(2),
    ])
    return "gru-reset-before", model, loss, x, y, batch


def bidirectional():
    """Bidirectional: Embedding → Bi(LSTM(4, return_sequences)) concat → Bi(GRU(3)) sum → Dense(2) (check-bidirectional)."""
    rng = np.random.default_rng(8)
    x = rng.integers(0, 7, size=(32, 5)).astype(np.float32)
    y = np.stack([x[:, 0] / 7, x[:, -1] / 7 - x[:, 1] / 7], axis=1).astype(np.float32)
    model = keras.Sequential([
        keras.Input((5,)), keras.layers.Embedding(7, 3),
        keras.layers.Bidirectional(keras.layers.LSTM(4, return_sequences=True)),
        keras.layers.Bidirectional(keras.layers.GRU(3), merge_mode="sum"), keras.layers.Dense(2),
    ])
    return "bidirectional", model, "mean_squared_error", x, y, 8


def bidirectional_merge():
    """Bi(SimpleRNN(3, return_sequences)) mul → Bi(GRU(2, reset_after=False)) ave → Dense(2) (check-bidirectional-merge)."""
    name, _, loss, x, y, batch = backwards()
    model = keras.Sequential([
        keras.Input((5, 3)),
        keras.layers.Bidirectional(keras.layers.SimpleRNN(3, return_sequences=True), merge_mode="mul"),
        keras.layers.Bidirectional(keras.layers.GRU(2, reset_after=False), merge_mode="ave"), keras.layers.Dense(2),
    ])
    return "bidirectional-merge", model, loss, x, y, batch


def padded_tokens(seed):
    """32 sequences of 1–6 tokens in 1..6, half padded with 0 before (pad_sequences's default), half after."""
    rng = np.random.default_rng(seed)
    x = np.zeros((32, 6), dtype=np.float32)
    for i in range(32):
        length = rng.integers(1, 7)
        tokens = rng.integers(1, 7, size=length)
        if i % 2 == 0:
            x[i, 6 - length:] = tokens
        else:
            x[i, :length] = tokens
    y = np.stack([x.sum(axis=1) / 20, (x > 3).sum(axis=1) / 6], axis=1).astype(np.float32)
    return x, y


def mask_zero():
    """Embedding(mask_zero) → LSTM(rs) → GRU(rs, go_backwards) → SimpleRNN → Dense(2) (check-mask-zero)."""
    x, y = padded_tokens(11)
    model = keras.Sequential([
        keras.Input((6,)), keras.layers.Embedding(7, 3, mask_zero=True),
        keras.layers.LSTM(4, return_sequences=True), keras.layers.GRU(3, return_sequences=True, go_backwards=True),
        keras.layers.SimpleRNN(3), keras.layers.Dense(2),
    ])
    return "mask-zero", model, "mean_squared_error", x, y, 8


def mask_zero_bidirectional():
    """Embedding(mask_zero) → Bi(LSTM(3, rs)) → Bi(GRU(2, rs, reset_after=False)) sum → Flatten → Dense(2)
    (check-mask-zero-bidirectional; Flatten drops the mask, so the zeros at masked steps reach the Dense)."""
    x, y = padded_tokens(12)
    model = keras.Sequential([
        keras.Input((6,)), keras.layers.Embedding(7, 3, mask_zero=True),
        keras.layers.Bidirectional(keras.layers.LSTM(3, return_sequences=True)),
        keras.layers.Bidirectional(keras.layers.GRU(2, return_sequences=True, reset_after=False), merge_mode="sum"),
        keras.layers.Flatten(), keras.layers.Dense(2),
    ])
    return "mask-zero-bidirectional", model, "mean_squared_error", x, y, 8


def mask_zero_pooling():
    """Embedding(mask_zero) → GlobalAveragePooling1D (the mean of the unmasked steps) → Dense(2) (check-mask-zero-pooling)."""
    x, y = padded_tokens(13)
    model = keras.Sequential([
        keras.Input((6,)), keras.layers.Embedding(7, 4, mask_zero=True), keras.layers.GlobalAveragePooling1D(),
        keras.layers.Dense(2),
    ])
    return "mask-zero-pooling", model, "mean_squared_error", x, y, 8


def masking():
    """Masking(mask_value=-1) → LSTM(4, rs) → GRU(3, rs, go_backwards) → GlobalAveragePooling1D → Dense(2)
    (check-masking): 32 float sequences [6, 3] padded with steps of all -1 before or after, and one -1 step inside
    some of them; a step with only some features at -1 stays unmasked."""
    rng = np.random.default_rng(14)
    x = rng.normal(size=(32, 6, 3)).astype(np.float32)
    for i in range(32):
        length = rng.integers(2, 7)
        if i % 2 == 0:
            x[i, :6 - length] = -1
        else:
            x[i, length:] = -1
        if i % 5 == 0:
            x[i, 3] = -1  # a masked step inside the sequence
        if i % 7 == 0:
            x[i, 1, 0] = -1  # one feature at the mask value: not masked
    y = np.stack([x.clip(-1, 2).sum(axis=(1, 2)) / 10, (x > 0).sum(axis=(1, 2)) / 18], axis=1).astype(np.float32)
    model = keras.Sequential([
        keras.Input((6, 3)), keras.layers.Masking(mask_value=-1.0),
        keras.layers.LSTM(4, return_sequences=True), keras.layers.GRU(3, return_sequences=True, go_backwards=True),
        keras.layers.GlobalAveragePooling1D(), keras.layers.Dense(2),
    ])
    return "masking", model, "mean_squared_error", x, y, 8


def rnn_activations():
    """SimpleRNN(relu) → LSTM(linear, recurrent hard_sigmoid) → GRU(relu, recurrent linear) → Dense(2) (check-rnn-activations)."""
    name, _, loss, x, y, batch = backwards()
    model = keras.Sequential([
        keras.Input((5, 3)), keras.layers.SimpleRNN(3, activation="relu", return_sequences=True),
        keras.layers.LSTM(4, activation="linear", recurrent_activation="hard_sigmoid", return_sequences=True),
        keras.layers.GRU(3, activation="relu", recurrent_activation="linear"), keras.layers.Dense(2),
    ])
    return "rnn-activations", model, loss, x, y, batch


def cnn():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(48, 7, 7, 2)).astype(np.float32)
    labels = rng.integers(0, 3, size=48)
    y = np.eye(3, dtype=np.float32)[labels]
    model = keras.Sequential([
        keras.Input((7, 7, 2)),
        keras.layers.Conv2D(8, 3, padding="same", activation="relu"),
        keras.layers.MaxPooling2D(2),
        keras.layers.Conv2D(16, 2, activation="relu"),
        keras.layers.MaxPooling2D(2),
        keras.layers.Flatten(),
        keras.layers.Dense(3, activation="softmax"),
    ])
    return "cnn", model, "categorical_crossentropy", x, y, 16


def conv1d_dilation():
    """Dilated Conv1D: causal (d=2), same (d=3), valid (d=2) on float sequences [10, 2] (check-conv1d-dilation)."""
    rng = np.random.default_rng(5)
    x = rng.normal(size=(48, 10, 2)).astype(np.float32)
    y = np.eye(2, dtype=np.float32)[rng.integers(0, 2, size=48)]
    model = keras.Sequential([
        keras.Input((10, 2)),
        keras.layers.Conv1D(3, 3, padding="causal", dilation_rate=2, activation="tanh"),
        keras.layers.Conv1D(4, 2, padding="same", dilation_rate=3, activation="sigmoid"),
        keras.layers.Conv1D(2, 3, dilation_rate=2),
        keras.layers.Flatten(),
        keras.layers.Dense(2, activation="softmax"),
    ])
    return "conv1d-dilation", model, "categorical_crossentropy", x, y, 16


def conv2d_dilation():
    """Dilated Conv2D: same (d=2) with ReLU and max pooling, then valid with dilation (1, 2) (check-conv2d-dilation)."""
    rng = np.random.default_rng(6)
    x = rng.normal(size=(48, 6, 6, 2)).astype(np.float32)
    y = np.eye(2, dtype=np.float32)[rng.integers(0, 2, size=48)]
    model = keras.Sequential([
        keras.Input((6, 6, 2)),
        keras.layers.Conv2D(8, 2, padding="same", dilation_rate=2, activation="relu"),
        keras.layers.MaxPooling2D(2),
        keras.layers.Conv2D(3, (2, 2), dilation_rate=(1, 2), activation="tanh"),
        keras.layers.Flatten(),
        keras.layers.Dense(2, activation="softmax"),
    ])
    return "conv2d-dilation", model, "categorical_crossentropy", x, y, 16


def record(name, model, loss, x, y, batch):
    initial = [w.copy() for w in model.get_weights()]
    runs = []
    for run, optimizer, config in optimizers():
        model.set_weights(initial)
        model.compile(optimizer=optimizer, loss=loss)
        losses = []
        for step in range(STEPS):
            lo = (step * batch) % len(x)
            losses.append(float(model.train_on_batch(x[lo:lo + batch], y[lo:lo + batch])))
        runs.append({"name": run, "config": config, "losses": losses,
                     "final": [w.astype(np.float64).ravel().tolist() for w in model.get_weights()]})
    fixture = {
        "model": name, "loss": loss, "batch": batch, "steps": STEPS, "keras": keras.__version__,
        "x": x.astype(np.float64).ravel().tolist(), "y": y.astype(np.float64).ravel().tolist(),
        "initial": [w.astype(np.float64).ravel().tolist() for w in initial], "runs": runs,
    }
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, f"{name}.json"), "w") as f:
        json.dump(fixture, f)
    print(f"{name}: {len(runs)} optimizer runs of {STEPS} steps -> {OUT}/{name}.json")


MODELS = {
    "pima": pima, "cnn": cnn, "regularized": regularized, "lstm-stack": lambda: recurrent("lstm"),
    "gru-stack": lambda: recurrent("gru"), "rnn-stack": lambda: recurrent("rnn"), "backwards": backwards,
    "gru-reset-before": gru_reset_before, "bidirectional": bidirectional, "bidirectional-merge": bidirectional_merge,
    "rnn-activations": rnn_activations, "conv1d-dilation": conv1d_dilation, "conv2d-dilation": conv2d_dilation,
    "mask-zero": mask_zero, "mask-zero-bidirectional": mask_zero_bidirectional, "mask-zero-pooling": mask_zero_pooling,
    "masking": masking,
}
# python trajectories.py [NAME …]: all fixtures, or the named ones.
for name in sys.argv[1:] or MODELS:
    keras.utils.set_random_seed(7)  # the models' initial weights, reproducibly
    record(*MODELS[name]())
