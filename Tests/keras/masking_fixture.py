# masking_fixture.py: Keras-written weights of a Masking model, with inputs and Keras's predictions, for KerasParityTests.
#
# Run from the repository root: KERAS_BACKEND=jax .build-keras-venv/bin/python Tests/keras/masking_fixture.py
# The model is check-masking (Masking(mask_value=-1) → LSTM(4, return_sequences) → GRU(3, return_sequences,
# go_backwards) → GlobalAveragePooling1D → Dense(2)) with every weight drawn at random, saved as Keras 3 writes it:
# masking.h5 (model.save, legacy HDF5: a weightless "masking" layer among the layer names) and masking.weights.h5
# (save_weights), beside masking.input.csv (8 sequences [6, 3] flattened, padded with steps of -1) and
# masking.output.csv (model.predict).
import os

os.environ.setdefault("KERAS_BACKEND", "jax")
import keras  # noqa: E402
import numpy as np  # noqa: E402

OUT = "Tests/Fixtures/keras"
keras.utils.set_random_seed(4)
model = keras.Sequential([
    keras.Input((6, 3)), keras.layers.Masking(mask_value=-1.0),
    keras.layers.LSTM(4, return_sequences=True), keras.layers.GRU(3, return_sequences=True, go_backwards=True),
    keras.layers.GlobalAveragePooling1D(), keras.layers.Dense(2),
])
rng = np.random.default_rng(4)
model.set_weights([rng.normal(scale=0.5, size=w.shape).astype(np.float32) for w in model.get_weights()])
x = rng.normal(size=(8, 6, 3)).astype(np.float32)
for i in range(8):
    length = 1 + i % 6
    if i % 2 == 0:
        x[i, :6 - length] = -1  # padded before, as pad_sequences does by default
    else:
        x[i, length:] = -1
x[3, 2, 0] = -1  # one feature at the mask value: the step stays
y = model.predict(x, verbose=0)
model.save(f"{OUT}/masking.h5")
model.save_weights(f"{OUT}/masking.weights.h5")
np.savetxt(f"{OUT}/masking.input.csv", x.reshape(8, -1), delimiter=",", fmt="%.9g")
np.savetxt(f"{OUT}/masking.output.csv", y, delimiter=",", fmt="%.9g")
print(f"wrote {OUT}/masking.{{h5,weights.h5,input.csv,output.csv}}")
