# metrics.py: writes Keras's metric results, accumulated over two batches of fixed inputs, as a test fixture.
#
# Run: KERAS_BACKEND=jax .build-keras-venv/bin/python Tests/keras/metrics.py Tests/Fixtures/keras/metrics.json
# Each case: predictions and targets [rows, cols] split into two batches (update_state twice, then result()),
# as fit accumulates a metric over an epoch. PrecastKernelTests.MetricTests replays them.
import json
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "jax")
import keras  # noqa: E402
import numpy as np  # noqa: E402

OUT = sys.argv[1] if len(sys.argv) > 1 else "Tests/Fixtures/keras/metrics.json"
rng = np.random.default_rng(5)
m = keras.metrics

binary_p = rng.uniform(0, 1, size=(40, 1)).astype(np.float32)
binary_t = (rng.uniform(0, 1, size=(40, 1)) < 0.3 + 0.5 * binary_p).astype(np.float32)
regression_p = rng.uniform(0, 3, size=(30, 2)).astype(np.float32)
regression_t = rng.uniform(0.5, 3, size=(30, 2)).astype(np.float32)
classes_p = rng.dirichlet(np.ones(8), size=30).astype(np.float32)
classes_t = np.eye(8, dtype=np.float32)[rng.integers(0, 8, size=30)]

cases = [
    ("mse", m.MeanSquaredError(), regression_p, regression_t),
    ("mae", m.MeanAbsoluteError(), regression_p, regression_t),
    ("mape", m.MeanAbsolutePercentageError(), regression_p, regression_t),
    ("msle", m.MeanSquaredLogarithmicError(), regression_p, regression_t),
    ("root_mean_squared_error", m.RootMeanSquaredError(), regression_p, regression_t),
    ("top_k_categorical_accuracy", m.TopKCategoricalAccuracy(), classes_p, classes_t),
    ("precision", m.Precision(), binary_p, binary_t),
    ("recall", m.Recall(), binary_p, binary_t),
    ("auc", m.AUC(), binary_p, binary_t),
]

fixture = {"keras": keras.__version__, "cases": []}
for name, metric, p, t in cases:
    split = len(p) * 2 // 3  # two batches of unequal size
    metric.update_state(t[:split], p[:split])
    metric.update_state(t[split:], p[split:])
    value = float(metric.result())
    fixture["cases"].append({
        "metric": name, "rows": len(p), "cols": p.shape[1], "split": split,
        "predictions": p.astype(np.float64).ravel().tolist(), "targets": t.astype(np.float64).ravel().tolist(), "value": value,
    })
    print(f"{name}: {value:.6f}")
with open(OUT, "w") as f:
    json.dump(fixture, f)
