# bidirectional_fixture.py: Keras-written weights of a Bidirectional model, with inputs and Keras's predictions, for KerasParityTests.
#
# Run from the repository root: KERAS_BACKEND=jax .build-keras-venv/bin/python Tests/keras/bidirectional_fixture.py
# The model is check-bidirectional (Embedding(7, 3) → Bidirectional(LSTM(4, return_sequences)) → Bidirectional(GRU(3),
# merge_mode="sum") → Dense(2)) with every weight drawn at random (biases too), saved as Keras 3 writes it:
# bidirectional.h5 (model.save, legacy HDF5) and bidirectional.weights.h5 (save_weights), beside
# bidirectional.input.csv (8 integer sequences) and bidirectional.output.csv (model.predict).
import os

os.environ.setdefault("KERAS_BACKEND", "jax")
import keras  # noqa: E402
import numpy as np  # noqa: E402

OUT = "Tests/Fixtures/keras"
keras.utils.set_random_seed(3)
model = keras.Sequential([
    keras.Input((5,)), keras.layers.Embedding(7, 3),
    keras.layers.Bidirectional(keras.layers.LSTM(4, return_sequences=True)),
    keras.layers.Bidirectional(keras.layers.GRU(3), merge_mode="sum"), keras.layers.Dense(2),
])
rng = np.random.default_rng(3)
model.set_weights([rng.normal(scale=0.5, size=w.shape).astype(np.float32) for w in model.get_weights()])
x = rng.integers(0, 7, size=(8, 5)).astype(np.float32)
y = model.predict(x, verbose=0)
model.save(f"{OUT}/bidirectional.h5")
model.save_weights(f"{OUT}/bidirectional.weights.h5")
np.savetxt(f"{OUT}/bidirectional.input.csv", x, delimiter=",", fmt="%d")
np.savetxt(f"{OUT}/bidirectional.output.csv", y, delimiter=",", fmt="%.9g")
print(f"wrote {OUT}/bidirectional.{{h5,weights.h5,input.csv,output.csv}}")
