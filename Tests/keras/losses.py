# losses.py: writes Keras's values and gradients of every loss on fixed inputs as a test fixture.
#
# Run: KERAS_BACKEND=jax .build-keras-venv/bin/python Tests/keras/losses.py Tests/Fixtures/keras/losses.json
# For each loss: predictions p and targets t [6, 4] from a seeded generator (in the loss's domain), the loss
# (Keras's default reduction, mean over the batch) and ∂loss/∂p from jax.grad. PrecastKernelTests.LossTests compares.
import json
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "jax")
import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import keras  # noqa: E402
import numpy as np  # noqa: E402

OUT = sys.argv[1] if len(sys.argv) > 1 else "Tests/Fixtures/keras/losses.json"
rng = np.random.default_rng(11)
shape = (6, 4)


def uniform(lo, hi):
    return rng.uniform(lo, hi, size=shape).astype(np.float32)


cases = {
    # name: (Keras loss, predictions, targets)
    "mean_squared_error": (keras.losses.MeanSquaredError(), uniform(-2, 2), uniform(-2, 2)),
    "mean_absolute_error": (keras.losses.MeanAbsoluteError(), uniform(-2, 2), uniform(-2, 2)),
    "mean_absolute_percentage_error": (keras.losses.MeanAbsolutePercentageError(), uniform(-2, 2), uniform(0.5, 3)),
    "mean_squared_logarithmic_error": (keras.losses.MeanSquaredLogarithmicError(), uniform(0, 3), uniform(0, 3)),
    "hinge": (keras.losses.Hinge(), uniform(-2, 2), rng.integers(0, 2, size=shape).astype(np.float32)),
    "squared_hinge": (keras.losses.SquaredHinge(), uniform(-2, 2), np.where(rng.random(shape) < 0.5, -1.0, 1.0).astype(np.float32)),
    "huber": (keras.losses.Huber(), uniform(-3, 3), uniform(-3, 3)),
    "log_cosh": (keras.losses.LogCosh(), uniform(-3, 3), uniform(-3, 3)),
    "kl_divergence": (keras.losses.KLDivergence(), uniform(0.01, 1), uniform(0.01, 1)),
    "poisson": (keras.losses.Poisson(), uniform(0.1, 3), uniform(0, 4)),
    "cosine_similarity": (keras.losses.CosineSimilarity(), uniform(-2, 2), uniform(-2, 2)),
}

fixture = {"keras": keras.__version__, "shape": list(shape), "cases": [], "from_logits": []}
for name, (loss, p, t) in cases.items():
    value, grad = jax.value_and_grad(lambda q: loss(jnp.asarray(t), q))(jnp.asarray(p))
    fixture["cases"].append({
        "loss": name, "predictions": p.astype(np.float64).ravel().tolist(), "targets": t.astype(np.float64).ravel().tolist(),
        "value": float(value), "gradient": np.asarray(grad, dtype=np.float64).ravel().tolist(),
    })
    print(f"{name}: {float(value):.6f}")
# from_logits=True crossentropies on linear outputs (logits), gradients with respect to the logits.
z = rng.normal(size=shape).astype(np.float32) * 2
labels = rng.integers(0, shape[1], size=shape[0])
logit_cases = {
    "binary_crossentropy": (keras.losses.BinaryCrossentropy(from_logits=True), (rng.random(shape) < 0.5).astype(np.float32)),
    "categorical_crossentropy": (keras.losses.CategoricalCrossentropy(from_logits=True), np.eye(shape[1], dtype=np.float32)[labels]),
    "sparse_categorical_crossentropy": (keras.losses.SparseCategoricalCrossentropy(from_logits=True), labels.astype(np.float32)[:, None]),
}
for name, (loss, t) in logit_cases.items():
    value, grad = jax.value_and_grad(lambda q: loss(jnp.asarray(t), q))(jnp.asarray(z))
    fixture["from_logits"].append({
        "loss": name, "logits": z.astype(np.float64).ravel().tolist(), "targets": t.astype(np.float64).ravel().tolist(),
        "value": float(value), "gradient": np.asarray(grad, dtype=np.float64).ravel().tolist(),
    })
    print(f"{name} (from_logits): {float(value):.6f}")
with open(OUT, "w") as f:
    json.dump(fixture, f)
