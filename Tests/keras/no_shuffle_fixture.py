# no_shuffle_fixture.py: Keras's `fit(shuffle=False)` from a saved initial model, as a fixture for Precast's --no-shuffle.
#
# Run: KERAS_BACKEND=jax .build-keras-venv/bin/python Tests/keras/no_shuffle_fixture.py from the repository root.
# Writes Tests/Fixtures/keras/no-shuffle/:
#   initial.keras   the Pima architecture (Dense 12 relu, 8 relu, 1 sigmoid) with seeded initial weights, saved by
#                   Keras's model.save before training (what Precast starts from with --weights initial.keras)
#   fit.json        the 50 rows x (8 features), y (0/1), batch 16 (so each epoch ends with a batch of 2), 3 epochs,
#                   Adam(0.01), Keras's per-epoch loss (history) and the final weights in model order
# PrecastRuntimeTests.TrainingTests.testNoShuffleFitFollowsKeras runs Trainer.fit with shuffle off and compares.
import json
import os

os.environ.setdefault("KERAS_BACKEND", "jax")
import keras  # noqa: E402
import numpy as np  # noqa: E402

OUT = "Tests/Fixtures/keras/no-shuffle"
ROWS, BATCH, EPOCHS, LR = 50, 16, 3, 0.01


def main():
    keras.utils.set_random_seed(7)
    rng = np.random.default_rng(7)
    x = rng.normal(size=(ROWS, 8)).astype(np.float32)
    y = (x[:, 0] + 0.5 * x[:, 3] - x[:, 5] > 0).astype(np.float32).reshape(-1, 1)
    model = keras.Sequential([
        keras.Input((8,)),
        keras.layers.Dense(12, activation="relu", name="dense"),
        keras.layers.Dense(8, activation="relu", name="dense_1"),
        keras.layers.Dense(1, activation="sigmoid", name="dense_2"),
    ], name="pima")
    model.compile(loss="binary_crossentropy", optimizer=keras.optimizers.Adam(LR), metrics=["accuracy"])
    os.makedirs(OUT, exist_ok=True)
    model.save(os.path.join(OUT, "initial.keras"))
    history = model.fit(x, y, batch_size=BATCH, epochs=EPOCHS, shuffle=False, verbose=0)
    fixture = {
        "x": [float(v) for v in x.ravel()], "y": [float(v) for v in y.ravel()],
        "batch": BATCH, "epochs": EPOCHS, "learning_rate": LR,
        "losses": [float(v) for v in history.history["loss"]],
        "final": [[float(v) for v in w.ravel()] for w in model.get_weights()],
        "keras": keras.__version__, "backend": keras.backend.backend(),
    }
    with open(os.path.join(OUT, "fit.json"), "w") as f:
        json.dump(fixture, f)
    print(f"wrote {OUT}: losses {fixture['losses']}")


if __name__ == "__main__":
    main()
