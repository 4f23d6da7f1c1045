# keras_rnn.py: Keras 3 (JAX, CPU) on the benchmark's recurrent models, to compare with Precast's generated trainers.
#
# The models are Precast's text-lstm and text-gru examples: Embedding(10000, 32) → LSTM(32) | GRU(32) → Dense(1),
# rmsprop, binary crossentropy, sequences of length 100, batch 128. Prints training samples/s (median of three
# timed epochs after a warm-up epoch, as `*-train --benchmark` does) and batch-1 inference latency, measured two
# ways: `model.predict_on_batch` (what a user calls) and a jitted forward call (Keras's fastest path).
#
#   KERAS_BACKEND=jax .build-keras-venv/bin/python Benchmarks/keras_rnn.py [--samples 20000]
import argparse
import os
import statistics
import time

os.environ.setdefault("KERAS_BACKEND", "jax")
os.environ.setdefault("JAX_PLATFORMS", "cpu")

import jax  # noqa: E402
import keras  # noqa: E402
import numpy as np  # noqa: E402


def build(kind: str) -> keras.Model:
    recurrent = keras.layers.LSTM(32) if kind == "lstm" else keras.layers.GRU(32)
    model = keras.Sequential([
        keras.Input((100,), dtype="int32"),
        keras.layers.Embedding(10_000, 32),
        recurrent,
        keras.layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(loss="binary_crossentropy", optimizer="rmsprop", metrics=["accuracy"])
    return model


def median_seconds(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=int, default=20_000)
    args = parser.parse_args()
    rng = np.random.default_rng(1)
    x = rng.integers(1, 10_000, size=(args.samples, 100)).astype("int32")
    y = rng.integers(0, 2, size=(args.samples, 1)).astype("float32")
    print(f"Keras {keras.__version__}, backend {keras.backend.backend()} (jax {jax.__version__}), "
          f"{jax.devices()[0].platform}, {os.cpu_count()} cores")
    for kind in ["lstm", "gru"]:
        model = build(kind)
        model.fit(x, y, batch_size=128, epochs=1, verbose=0)  # warm-up: compiles the train step
        epochs = [median_seconds(lambda: model.fit(x, y, batch_size=128, epochs=1, verbose=0), 1) for _ in range(3)]
        epoch = statistics.median(epochs)
        one = x[:1]
        model.predict_on_batch(one)
        predict = median_seconds(lambda: model.predict_on_batch(one), 200)
        trainable = [v.value for v in model.trainable_variables]
        frozen = [v.value for v in model.non_trainable_variables]
        call = jax.jit(lambda t, f, v: model.stateless_call(t, f, v, training=False)[0])
        call(trainable, frozen, one).block_until_ready()
        jitted = median_seconds(lambda: call(trainable, frozen, one).block_until_ready(), 500)
        print(f"text-{kind} (Embedding(10000, 32) → {kind.upper()}(32) → Dense(1)), length 100, batch 128:")
        print(f"  training: {epoch:.2f} s per epoch of {args.samples} samples - {args.samples / epoch:.0f} samples/s "
              f"(epochs {', '.join(f'{e:.2f}' for e in epochs)} s)")
        print(f"  batch-1 latency: predict_on_batch {predict * 1e6:.0f} µs, jitted forward {jitted * 1e6:.0f} µs")


if __name__ == "__main__":
    main()
