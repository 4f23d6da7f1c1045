# peers.py: the tutorial models in PyTorch (CPU) and Keras 3 (TensorFlow backend), timed the way
# `Benchmarks/compare.sh` times Precast, for the ratios in the README.
#
# Same architectures, initializers (Glorot-uniform kernels, zero biases; Keras's own defaults for the recurrent
# layers), optimizer (Adam, lr 1e-3, eps 1e-7; RMSprop for the text models, as their Precast examples compile) and
# batch size as Precast's built-in examples. Every framework gets the same thread count (--threads).
#
#   python Benchmarks/peers.py --framework torch|keras --model fashion-mlp [--epochs 3] [--threads 2]
#
# Prints one line of JSON: seconds per epoch (each timed epoch), the median, samples/s and peak RSS.
import argparse
import gzip
import json
import os
import resource
import statistics
import sys
import time

import numpy as np

FASHION = "/usr/share/datasets/fashion-mnist"
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def fashion(limit=None):
    with gzip.open(f"{FASHION}/train-images-idx3-ubyte.gz") as f:
        x = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 28, 28, 1).astype("float32") / 255
    with gzip.open(f"{FASHION}/train-labels-idx1-ubyte.gz") as f:
        y = np.frombuffer(f.read(), np.uint8, offset=8).astype("int64")
    if limit:
        x, y = x[:limit], y[:limit]
    return x, y


def reviews(path, limit=None):
    """Padded word indices ('pre' padding and truncation to 100, as pad_sequences) and 0/1 labels."""
    rows = []
    with open(os.path.join(path, "train.txt")) as f:
        for line in f:
            seq = [int(t) for t in line.split()][-100:]
            rows.append([0] * (100 - len(seq)) + seq)
    x = np.array(rows, dtype="int64")
    y = np.loadtxt(os.path.join(path, "train-labels.csv"), dtype="float32").reshape(-1, 1)
    if limit:
        x, y = x[:limit], y[:limit]
    return x, y


def pima():
    data = np.loadtxt(os.path.join(REPO, "Examples/data/pima-indians-diabetes.csv"), delimiter=",", dtype="float32")
    return data[:, :8], data[:, 8:9]


# MARK: - Keras (TensorFlow backend)

def keras_model(name):
    import keras
    from keras import layers as L
    if name == "fashion-mlp":
        seq = [keras.Input((28, 28, 1)), L.Flatten(), L.Dense(512, activation="relu"), L.Dropout(0.2),
               L.Dense(512, activation="relu"), L.Dropout(0.2), L.Dense(10, activation="softmax")]
    elif name == "fashion-cnn":
        seq = [keras.Input((28, 28, 1)), L.Conv2D(32, 3, activation="relu"), L.MaxPooling2D(2), L.Flatten(),
               L.Dense(128, activation="relu"), L.Dense(10, activation="softmax")]
    elif name == "fashion-deep-cnn":
        seq = [keras.Input((28, 28, 1))]
        for filters in (32, 64):
            seq += [L.Conv2D(filters, 3, padding="same", activation="relu"),
                    L.Conv2D(filters, 3, padding="same", activation="relu"), L.MaxPooling2D(2), L.Dropout(0.25)]
        seq += [L.Flatten(), L.Dense(512, activation="relu"), L.Dropout(0.5), L.Dense(10, activation="softmax")]
    elif name in ("text-lstm", "text-gru"):
        rnn = L.LSTM(32) if name == "text-lstm" else L.GRU(32)
        seq = [keras.Input((100,), dtype="int32"), L.Embedding(10_000, 32), rnn, L.Dense(1, activation="sigmoid")]
    elif name == "pima":
        seq = [keras.Input((8,)), L.Dense(12, activation="relu", kernel_initializer="random_uniform"),
               L.Dense(8, activation="relu"), L.Dense(1, activation="sigmoid")]
    else:
        raise SystemExit(f"unknown model {name}")
    model = keras.Sequential(seq)
    if name.startswith("text-"):
        model.compile(loss="binary_crossentropy", optimizer=keras.optimizers.RMSprop(), metrics=["accuracy"])
    elif name == "pima":
        model.compile(loss="binary_crossentropy", optimizer=keras.optimizers.Adam(epsilon=1e-7), metrics=["accuracy"])
    else:
        model.compile(loss="sparse_categorical_crossentropy", optimizer=keras.optimizers.Adam(epsilon=1e-7),
                      metrics=["accuracy"])
    return model


def run_keras(name, x, y, batch, epochs, threads, out):
    import tensorflow as tf
    tf.config.threading.set_intra_op_parallelism_threads(threads)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    model = keras_model(name)
    if name == "pima":
        # The tutorial's whole fit, as it writes it: model.fit(X, y, epochs=150, batch_size=10), no callbacks.
        start = time.perf_counter()
        model.fit(x, y, epochs=150, batch_size=10, verbose=0)
        return [time.perf_counter() - start]
    model.fit(x[: batch * 20], y[: batch * 20], batch_size=batch, epochs=1, verbose=0)  # warm-up: traces the step
    times = []
    for _ in range(epochs):
        start = time.perf_counter()
        model.fit(x, y, batch_size=batch, epochs=1, verbose=0)
        times.append(time.perf_counter() - start)
    return times


# MARK: - PyTorch

def torch_model(name):
    import torch
    from torch import nn

    def glorot(module):
        if isinstance(module, (nn.Linear, nn.Conv2d)):
            nn.init.xavier_uniform_(module.weight)
            nn.init.zeros_(module.bias)

    if name == "fashion-mlp":
        model = nn.Sequential(nn.Flatten(), nn.Linear(784, 512), nn.ReLU(), nn.Dropout(0.2), nn.Linear(512, 512),
                              nn.ReLU(), nn.Dropout(0.2), nn.Linear(512, 10))
    elif name == "fashion-cnn":
        model = nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(32 * 13 * 13, 128),
                              nn.ReLU(), nn.Linear(128, 10))
    elif name == "fashion-deep-cnn":
        model = nn.Sequential(
            nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.Conv2d(32, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Dropout(0.25),
            nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.Conv2d(64, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Dropout(0.25),
            nn.Flatten(), nn.Linear(64 * 7 * 7, 512), nn.ReLU(), nn.Dropout(0.5), nn.Linear(512, 10))
    elif name in ("text-lstm", "text-gru"):
        class Recurrent(nn.Module):
            def __init__(self):
                super().__init__()
                self.embedding = nn.Embedding(10_000, 32)
                self.rnn = (nn.LSTM if name == "text-lstm" else nn.GRU)(32, 32, batch_first=True)
                self.dense = nn.Linear(32, 1)

            def forward(self, x):
                _, h = self.rnn(self.embedding(x))
                h = h[0] if isinstance(h, tuple) else h
                return self.dense(h[-1])
        return Recurrent()
    else:
        raise SystemExit(f"unknown model {name}")
    model.apply(glorot)
    return model


def run_torch(name, x, y, batch, epochs, threads, out):
    import torch
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    model = torch_model(name)
    text = name.startswith("text-")
    if text:
        optimizer = torch.optim.RMSprop(model.parameters(), lr=1e-3, alpha=0.9, eps=1e-7)
        loss_fn = torch.nn.BCEWithLogitsLoss()
        xs, ys = torch.from_numpy(x), torch.from_numpy(y)
    else:
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
        loss_fn = torch.nn.CrossEntropyLoss()
        xs = torch.from_numpy(np.ascontiguousarray(x.transpose(0, 3, 1, 2)))  # NCHW, PyTorch's layout
        ys = torch.from_numpy(y)

    def epoch(limit=None):
        model.train()
        order = torch.randperm(len(xs))
        if limit:
            order = order[:limit]
        for lo in range(0, len(order), batch):
            idx = order[lo: lo + batch]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(xs[idx]), ys[idx])
            loss.backward()
            optimizer.step()

    epoch(limit=batch * 20)  # warm-up
    times = []
    for _ in range(epochs):
        start = time.perf_counter()
        epoch()
        times.append(time.perf_counter() - start)
    return times


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--framework", choices=["torch", "keras"], required=True)
    parser.add_argument("--model", required=True)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--samples", type=int, default=None, help="train on the first N samples only")
    parser.add_argument("--reviews", help="folder written by `precast dataset reviews`")
    parser.add_argument("--out", default="/tmp")
    args = parser.parse_args()
    if args.framework == "keras":
        os.environ.setdefault("KERAS_BACKEND", "tensorflow")
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    name = args.model
    if name.startswith("fashion-"):
        x, y = fashion(args.samples)
        batch = 128
    elif name.startswith("text-"):
        x, y = reviews(args.reviews, args.samples)
        batch = 128
    elif name == "pima":
        x, y = pima()
        batch = 10
    else:
        raise SystemExit(f"unknown model {name}")
    runner = run_torch if args.framework == "torch" else run_keras
    times = runner(name, x, y, batch, args.epochs, args.threads, args.out)
    median = statistics.median(times)
    print(json.dumps({
        "framework": args.framework, "model": name, "samples": len(x), "epochs": [round(t, 3) for t in times],
        "seconds": round(median, 4), "samples_per_second": round(len(x) / median, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
