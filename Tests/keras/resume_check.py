# resume_check.py: Keras resumes from a Precast checkpoint: load_weights brings back Adam's state (iterations, slots).
#
# Run by Scripts/keras-roundtrip.sh: resume_check.py WEIGHTS.weights.h5 EPOCHS_DONE BATCHES_PER_EPOCH
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "jax")
import h5py  # noqa: E402
import keras  # noqa: E402
import numpy as np  # noqa: E402

path, epochs, batches = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
model = keras.Sequential([
    keras.Input((8,)), keras.layers.Dense(12, activation="relu"), keras.layers.Dense(8, activation="relu"),
    keras.layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer=keras.optimizers.Adam(), loss="binary_crossentropy")
model.optimizer.build(model.trainable_variables)
model.load_weights(path)
stored = h5py.File(path)["optimizer/vars"]
slots_match = all(np.array_equal(np.array(stored[str(i)]), keras.ops.convert_to_numpy(v)) for i, v in enumerate(model.optimizer.variables) if i >= 2)
iterations = int(model.optimizer.iterations)
ok = iterations == epochs * batches and slots_match
print(f"{'ok  ' if ok else 'FAIL'} Keras resumes from {os.path.basename(path)}: iterations {iterations}, "
      f"{len(model.optimizer.variables) - 2} Adam slots {'equal' if slots_match else 'DIFFER'}")
sys.exit(0 if ok else 1)
