# rnn_dropout_fixture.py: Keras's RNN dropout and recurrent_dropout with given masks, for RecurrentKernelTests.
#
# Run from the repository root: KERAS_BACKEND=jax .build-keras-venv/bin/python Tests/keras/rnn_dropout_fixture.py
# For LSTM, GRU (reset_after True and False) and SimpleRNN, with dropout and recurrent_dropout, and for an LSTM with dropout only,
# it draws weights, inputs and the dropout masks, hands the masks to the Keras cell (its cached `_dropout_mask` and
# `_recurrent_dropout_mask`, which Keras otherwise draws itself once per batch), runs the layer with training=True
# and records every step's output. Precast's kernels, given the same masks, must produce the same sequence.
import json
import os

os.environ.setdefault("KERAS_BACKEND", "jax")
import keras  # noqa: E402
import numpy as np  # noqa: E402

rng = np.random.default_rng(4)
n, T, d, u = 3, 6, 4, 5


def masks(count, shape, rate):
    return [(rng.random(shape) >= rate).astype(np.float32) / np.float32(1 - rate) for _ in range(count)]


cases = []
for name, make, gates, dropout, recurrent in [
    ("lstm", keras.layers.LSTM, 4, 0.3, 0.2),
    ("gru", keras.layers.GRU, 3, 0.3, 0.2),
    ("simple_rnn", keras.layers.SimpleRNN, 1, 0.3, 0.2),
    ("lstm_dropout_only", keras.layers.LSTM, 4, 0.3, 0.0),
    ("gru_reset_before", lambda units, **kw: keras.layers.GRU(units, reset_after=False, **kw), 3, 0.3, 0.2),
]:
    layer = make(u, dropout=dropout, recurrent_dropout=recurrent, return_sequences=True)
    layer.build((n, T, d))
    layer.set_weights([rng.normal(scale=0.5, size=w.shape).astype(np.float32) for w in layer.get_weights()])
    x = rng.normal(size=(n, T, d)).astype(np.float32)
    per_gate = recurrent > 0 and gates > 1  # Keras's implementation 1: a mask per gate
    input_masks = masks(gates if per_gate else 1, (n, d), dropout)
    recurrent_masks = masks(gates if per_gate else 1, (n, u), recurrent) if recurrent > 0 else []
    cell = layer.cell
    cell._dropout_mask = [keras.ops.convert_to_tensor(m) for m in input_masks] if per_gate else keras.ops.convert_to_tensor(input_masks[0])
    if recurrent > 0:
        cell._recurrent_dropout_mask = [keras.ops.convert_to_tensor(m) for m in recurrent_masks] if per_gate \
            else keras.ops.convert_to_tensor(recurrent_masks[0])
    y = np.asarray(layer(x, training=True))
    cases.append({
        "name": name, "gates": gates, "steps": T, "inputs": d, "units": u, "count": n,
        "weights": [w.astype(np.float64).ravel().tolist() for w in layer.get_weights()],
        "x": x.astype(np.float64).ravel().tolist(),
        # [n, g·d] and [n, g·u]: gate k's mask in columns k·d… (one mask repeated when Keras shares it)
        "inputMasks": np.concatenate(input_masks, axis=1).astype(np.float64).ravel().tolist(),
        "recurrentMasks": np.concatenate(recurrent_masks, axis=1).astype(np.float64).ravel().tolist() if recurrent_masks else [],
        "output": y.astype(np.float64).ravel().tolist(),
    })
with open("Tests/Fixtures/keras/rnn-dropout.json", "w") as f:
    json.dump({"keras": keras.__version__, "cases": cases}, f)
print(f"wrote Tests/Fixtures/keras/rnn-dropout.json ({len(cases)} cases)")
