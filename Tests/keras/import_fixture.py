# import_fixture.py: a Keras functional-chain convnet for `precast import` and the tutorials' fine-tuning path.
"""Keras side of the import round trip (driven by Scripts/keras-roundtrip.sh).

  import_fixture.py write DIR   writes, from a fixed seed, a functional model that is a plain chain:
                                  Input(12, 12, 3) → Conv2D(8, 3, same, relu, name=base_conv)
                                  → BatchNormalization(name=base_bn) → MaxPooling2D → Conv2D(8, 3) → LeakyReLU(0.1)
                                  → Flatten → Dropout(0.25) → Dense(16, relu, L2(1e-3)) → Dense(3, softmax, name=head)
                                compiled with Adam(learning_rate=0.002), categorical crossentropy, accuracy, fitted one
                                epoch (non-trivial BatchNormalization statistics and optimizer state), then saved as
                                DIR/chain.keras and DIR/chain.h5, with DIR/chain.input.npy (8 samples),
                                DIR/chain.output.csv (Keras's predictions), DIR/chain.train-x.npy (96 samples) and
                                DIR/chain.train-y.csv (class names a/b/c, one per line)
                                and the remaining layer kinds as two Sequential models saved as .keras:
                                  kinds-cnn: Input(8, 8, 2) → Conv2D(4, 3, same) → ELU(0.7) → AveragePooling2D(2)
                                    → Conv2D(6, 1) → ReLU → GlobalAveragePooling2D → Dense(3) → Softmax
                                  kinds-rnn: Input(6, 3) → SimpleRNN(5, return_sequences) → GRU(4, reset_after=False,
                                    return_sequences) → Reshape((24,)) → Dense(2, sigmoid)
                                with DIR/NAME.input.npy (8 samples) and DIR/NAME.output.csv
  import_fixture.py check DIR TUNED PREDICTIONS FROZEN…
                                Keras's load_model(TUNED) (a .keras file Precast trained from chain.keras) predicts
                                PREDICTIONS (Precast's <model>-infer output on chain.input.npy) within 1e-5; the FROZEN
                                layers' weights equal chain.keras's; the head's differ (it trained)

Prints one line per check and `N passed, M failed`; exits 1 on a failure. Run with KERAS_BACKEND=jax.
"""
import os
import sys

import numpy as np


def write(directory):
    import keras
    from keras import layers

    keras.utils.set_random_seed(7)
    inputs = keras.Input(shape=(12, 12, 3))
    x = layers.Conv2D(8, 3, padding="same", activation="relu", name="base_conv")(inputs)
    x = layers.BatchNormalization(name="base_bn")(x)
    x = layers.MaxPooling2D(2)(x)
    x = layers.Conv2D(8, 3)(x)
    x = layers.LeakyReLU(negative_slope=0.1)(x)
    x = layers.Flatten()(x)
    x = layers.Dropout(0.25)(x)
    x = layers.Dense(16, activation="relu", kernel_regularizer=keras.regularizers.L2(1e-3))(x)
    outputs = layers.Dense(3, activation="softmax", name="head")(x)
    model = keras.Model(inputs, outputs, name="chain")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.002), loss="categorical_crossentropy", metrics=["accuracy"])

    rng = np.random.default_rng(7)
    train_x = rng.random((96, 12, 12, 3), dtype=np.float32)
    labels = (train_x[:, :6].mean(axis=(1, 2, 3)) * 3 + rng.random(96) * 0.5).astype(int) % 3
    model.fit(train_x, keras.utils.to_categorical(labels, 3), epochs=1, batch_size=32, shuffle=False, verbose=0)

    x = rng.random((8, 12, 12, 3), dtype=np.float32)
    model.save(os.path.join(directory, "chain.keras"))
    model.save(os.path.join(directory, "chain.h5"))
    np.save(os.path.join(directory, "chain.input.npy"), x)
    np.savetxt(os.path.join(directory, "chain.output.csv"), model.predict(x, verbose=0), delimiter=",", fmt="%.9g")
    np.save(os.path.join(directory, "chain.train-x.npy"), train_x)
    with open(os.path.join(directory, "chain.train-y.csv"), "w") as f:
        f.writelines("abc"[label] + "\n" for label in labels)

    kinds = {
        "kinds-cnn": (
            keras.Sequential([
                keras.Input(shape=(8, 8, 2)), layers.Conv2D(4, 3, padding="same"), layers.ELU(alpha=0.7),
                layers.AveragePooling2D(2), layers.Conv2D(6, 1), layers.ReLU(), layers.GlobalAveragePooling2D(),
                layers.Dense(3), layers.Softmax(),
            ]), "categorical_crossentropy", (8, 8, 2)),
        "kinds-rnn": (
            keras.Sequential([
                keras.Input(shape=(6, 3)), layers.SimpleRNN(5, return_sequences=True),
                layers.GRU(4, reset_after=False, return_sequences=True), layers.Reshape((24,)),
                layers.Dense(2, activation="sigmoid"),
            ]), "binary_crossentropy", (6, 3)),
    }
    for name, (model, loss, shape) in kinds.items():
        model.compile(optimizer="rmsprop", loss=loss)
        x = rng.standard_normal((8,) + shape).astype(np.float32)
        model.save(os.path.join(directory, f"{name}.keras"))
        np.save(os.path.join(directory, f"{name}.input.npy"), x)
        np.savetxt(os.path.join(directory, f"{name}.output.csv"), model.predict(x, verbose=0), delimiter=",", fmt="%.9g")


def check(directory, tuned, predictions, frozen):
    import keras

    passed = failed = 0

    def report(ok, text):
        nonlocal passed, failed
        print(("ok   " if ok else "FAIL ") + text)
        passed, failed = passed + ok, failed + (not ok)

    original = keras.models.load_model(os.path.join(directory, "chain.keras"))
    model = keras.models.load_model(tuned)
    x = np.load(os.path.join(directory, "chain.input.npy"))
    ours = np.loadtxt(predictions, delimiter=",", ndmin=2)
    theirs = model.predict(x, verbose=0)
    worst = float(np.max(np.abs(ours - theirs))) if ours.shape == theirs.shape else float("inf")
    report(worst <= 1e-5, f"Keras load_model of Precast's fine-tuned .keras predicts as Precast: max|Δ| = {worst:.1e}")
    report(model.optimizer is not None and int(model.optimizer.iterations.numpy()) > 0,
           f"the fine-tuned .keras is compiled with its optimizer state ({type(model.optimizer).__name__})")
    for name in frozen:
        before = [w.numpy() for w in original.get_layer(name).weights]
        after = [w.numpy() for w in model.get_layer(name).weights]
        # BatchNormalization's moving statistics of a frozen layer stay too (Keras runs it in inference mode).
        same = len(before) == len(after) and all(np.array_equal(a, b) for a, b in zip(before, after))
        report(same, f"frozen layer {name}: every weight unchanged")
    head = float(np.max(np.abs(original.get_layer("head").weights[0].numpy() - model.get_layer("head").weights[0].numpy())))
    report(head > 0, f"the head trained: max kernel change {head:.2e}")
    print(f"{passed} passed, {failed} failed")
    return failed == 0


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "write":
        write(sys.argv[2])
    elif len(sys.argv) >= 5 and sys.argv[1] == "check":
        sys.exit(0 if check(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]) else 1)
    else:
        sys.exit(__doc__)
