# roundtrip.py: checks that Keras 3 loads Precast-written weights and predicts what the Precast binaries print.
"""Precast -> Keras round trip (driven by Scripts/keras-roundtrip.sh).

  roundtrip.py prepare WORKDIR   write the fixed inputs:
                                   WORKDIR/pima-rows.csv        first 20 rows of the pima CSV, label dropped
                                   WORKDIR/fashion-images.npy   first 50 Fashion-MNIST test images, float32
                                                                (50, 28, 28), raw 0-255 pixel values
  roundtrip.py check WORKDIR     for each model and weights file, build the architecture in Keras,
                                 load the file (load_weights; load_model too for the legacy .h5),
                                 predict on the same inputs and compare with the Precast output
                                 WORKDIR/<file>.precast.csv (written by <model>-infer):
                                   WORKDIR/pima.h5            WORKDIR/pima.weights.h5
                                   WORKDIR/fashion-mlp.h5     WORKDIR/fashion-mlp.weights.h5
                                   WORKDIR/fashion-cnn.h5     WORKDIR/fashion-cnn.weights.h5
                                   WORKDIR/text-bidirectional.h5 WORKDIR/text-bidirectional.weights.h5
                                   and WORKDIR/<model>.keras of each (load_weights, and load_model compiled:
                                   the compile config and the optimizer state must come back)
                                 (fashion-mlp and fashion-cnn both predict on fashion-images.npy;
                                 text-bidirectional on WORKDIR/reviews/test.txt padded to 100;
                                 Keras sees them as (50, 28, 28) and (50, 28, 28, 1) respectively)

  roundtrip.py fixtures WORKDIR FIXTURE_DIR NAME…
                                 Precast's predictions from Keras's own NAME.keras (WORKDIR/NAME.keras.precast.csv)
                                 against Keras's FIXTURE_DIR/NAME.output.csv, within the same tolerance

Run `check` with KERAS_BACKEND=jax (or any installed backend). Prints one line per check and a
final `N passed, M failed` line; exits 1 if any check failed.
"""
import argparse
import gzip
import os
import sys
import traceback
import warnings

import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PIMA_CSV = os.path.join(REPO, "Examples", "data", "pima-indians-diabetes.csv")
FASHION_TEST_IMAGES = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz"
PIMA_ROWS = 20
FASHION_ROWS = 50
TOLERANCE = 1e-5


# MARK: - Inputs

def read_idx_images(path, count):
    """The first `count` images of a (gzip-compressed) IDX3 file as uint8 (count, rows, cols)."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        header = f.read(16)
        magic, n, rows, cols = (int.from_bytes(header[i:i + 4], "big") for i in range(0, 16, 4))
        if magic != 0x00000803:
            raise ValueError(f"{path}: not an IDX3 ubyte file (magic {magic:#010x})")
        count = min(count, n)
        data = f.read(count * rows * cols)
    return np.frombuffer(data, dtype=np.uint8).reshape(count, rows, cols)


def prepare(workdir, pima_csv, fashion_images):
    table = np.loadtxt(pima_csv, delimiter=",", dtype=np.float64, max_rows=PIMA_ROWS)
    with open(os.path.join(workdir, "pima-rows.csv"), "w") as f:
        for row in table[:, :8]:
            f.write(",".join(repr(float(v)) for v in row) + "\n")
    images = read_idx_images(fashion_images, FASHION_ROWS).astype(np.float32)
    np.save(os.path.join(workdir, "fashion-images.npy"), images)
    print(f"prepared {table.shape[0]} pima rows and {images.shape[0]} fashion images in {workdir}")


def load_inputs(workdir):
    """The inputs Keras sees: pima raw features; fashion pixels / 255 (Precast applies its stored scale itself),
    as (n, 28, 28) for fashion-mlp and (n, 28, 28, 1) for fashion-cnn."""
    pima = np.loadtxt(os.path.join(workdir, "pima-rows.csv"), delimiter=",", dtype=np.float32, ndmin=2)
    fashion = np.load(os.path.join(workdir, "fashion-images.npy")).astype(np.float32) / np.float32(255)
    return {"pima": pima, "fashion-mlp": fashion, "fashion-cnn": fashion.reshape(-1, 28, 28, 1),
            "fashion-deep-cnn": fashion.reshape(-1, 28, 28, 1),
            "text-bidirectional": padded_reviews(os.path.join(workdir, "reviews", "test.txt"))}


def padded_reviews(path, maxlen=100):
    """Keras's pad_sequences(…, maxlen) with its defaults (pad and cut before) of one review per line."""
    with open(path) as f:
        rows = [[int(v) for v in line.split()] for line in f]
    x = np.zeros((len(rows), maxlen), dtype=np.int32)
    for i, row in enumerate(rows):
        row = row[-maxlen:]
        if row:
            x[i, maxlen - len(row):] = row
    return x


# MARK: - Models

def build(keras, name):
    """The Keras architecture Precast compiled, with Keras's default layer names."""
    layers = keras.layers
    if name == "pima":
        return keras.Sequential([
            keras.Input((8,)),
            layers.Dense(12, activation="relu", name="dense"),
            layers.Dense(8, activation="relu", name="dense_1"),
            layers.Dense(1, activation="sigmoid", name="dense_2"),
        ], name="pima")
    if name == "fashion-mlp":
        return keras.Sequential([
            keras.Input((28, 28)),
            layers.Flatten(name="flatten"),
            layers.Dense(512, activation="relu", name="dense"),
            layers.Dropout(0.2, name="dropout"),
            layers.Dense(512, activation="relu", name="dense_1"),
            layers.Dropout(0.2, name="dropout_1"),
            layers.Dense(10, activation="softmax", name="dense_2"),
        ], name="fashion_mlp")
    if name == "fashion-cnn":
        return keras.Sequential([
            keras.Input((28, 28, 1)),
            layers.Conv2D(32, (3, 3), padding="valid", activation="relu", name="conv2d"),
            layers.MaxPooling2D((2, 2), name="max_pooling2d"),
            layers.Flatten(name="flatten"),
            layers.Dense(128, activation="relu", name="dense"),
            layers.Dense(10, activation="softmax", name="dense_1"),
        ], name="fashion_cnn")
    if name == "fashion-deep-cnn":  # Precast runs its 3×3 convolutions with 32/64 channels as Winograd F(2×2, 3×3)
        return keras.Sequential([
            keras.Input((28, 28, 1)),
            layers.Conv2D(32, 3, padding="same", activation="relu", name="conv2d"),
            layers.Conv2D(32, 3, padding="same", activation="relu", name="conv2d_1"),
            layers.MaxPooling2D(2, name="max_pooling2d"),
            layers.Dropout(0.25, name="dropout"),
            layers.Conv2D(64, 3, padding="same", activation="relu", name="conv2d_2"),
            layers.Conv2D(64, 3, padding="same", activation="relu", name="conv2d_3"),
            layers.MaxPooling2D(2, name="max_pooling2d_1"),
            layers.Dropout(0.25, name="dropout_1"),
            layers.Flatten(name="flatten"),
            layers.Dense(512, activation="relu", name="dense"),
            layers.Dropout(0.5, name="dropout_2"),
            layers.Dense(10, activation="softmax", name="dense_1"),
        ], name="fashion_deep_cnn")
    if name == "text-bidirectional":
        return keras.Sequential([
            keras.Input((100,)),
            layers.Embedding(10_000, 32, name="embedding"),
            layers.Bidirectional(layers.LSTM(32), name="bidirectional"),
            layers.Dense(1, activation="sigmoid", name="dense"),
        ], name="text_bidirectional")
    raise ValueError(name)


def _tuple(value):
    return tuple(value) if isinstance(value, (list, tuple)) else value


def layer_signature(model):
    """What must agree between the model Keras rebuilds from model_config and ours."""
    out = []
    for layer in model.layers:
        cfg = layer.get_config()
        out.append((type(layer).__name__, layer.name, cfg.get("units"), cfg.get("activation"), cfg.get("rate"),
                    cfg.get("filters"), _tuple(cfg.get("kernel_size")), _tuple(cfg.get("strides")),
                    cfg.get("padding"), _tuple(cfg.get("pool_size")),
                    tuple(tuple(w.shape) for w in layer.weights)))
    return out


def read_precast(path):
    return np.loadtxt(path, delimiter=",", dtype=np.float64, ndmin=2)


# MARK: - Checks

class Results:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def report(self, label, ok, detail, notes=()):
        print(f"{'ok' if ok else 'FAIL':<4} {label:<36} {detail}", flush=True)
        for note in notes:
            print(f"       {note}", flush=True)
        if ok:
            self.passed += 1
        else:
            self.failed += 1


def run_check(results, label, load, x, expected):
    """load() -> Keras model; compare its predictions on x with the Precast output."""
    notes = []
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            model = load()
            predicted = np.asarray(model.predict(x, batch_size=len(x), verbose=0), dtype=np.float64)
        notes += [f"warning: {w.category.__name__}: {str(w.message).strip().splitlines()[0]}" for w in caught]
    except Exception as error:  # Keras refused the file: report its message
        lines = [l for l in "".join(traceback.format_exception_only(type(error), error)).splitlines() if l.strip()]
        results.report(label, False, f"error: {lines[0]}", lines[1:] + notes)
        return
    if predicted.shape != expected.shape:
        results.report(label, False, f"shape: Keras {predicted.shape} vs Precast {expected.shape}", notes)
        return
    diff = np.abs(predicted - expected)
    worst = float(diff.max()) if diff.size else 0.0
    ok = bool(np.isfinite(predicted).all()) and worst <= TOLERANCE
    if not ok:
        r, c = np.unravel_index(int(np.nanargmax(diff)), diff.shape)
        notes.append(f"worst at row {r} column {c}: Keras {float(predicted[r, c]):.9g} vs Precast {float(expected[r, c]):.9g}")
    results.report(label, ok, f"max|Δ| = {worst:.1e}", notes)


def check(workdir):
    import keras  # after argument parsing: slow, and needs KERAS_BACKEND

    print(f"Keras {keras.__version__}, backend {keras.backend.backend()}, tolerance {TOLERANCE:g}")
    inputs = load_inputs(workdir)
    results = Results()
    for name in ["pima", "fashion-mlp", "fashion-cnn", "fashion-deep-cnn", "text-bidirectional"]:
        x = inputs[name]
        for file in [f"{name}.h5", f"{name}.weights.h5", f"{name}.keras"]:
            path = os.path.join(workdir, file)
            precast_path = path + ".precast.csv"
            try:
                expected = read_precast(precast_path)
            except Exception as error:
                results.report(f"{file} precast output", False, f"error: cannot read {precast_path}: {error}")
                continue

            def load_weights(name=name, path=path):
                model = build(keras, name)
                model.load_weights(path)
                return model

            run_check(results, f"{file} load_weights", load_weights, x, expected)
            if file.endswith(".weights.h5"):
                continue

            def load_model(name=name, path=path):
                # A .keras file is loaded compiled: its compile_config must deserialise, and the optimizer state
                # Precast saved (iterations > 0 after training) must be restored into Keras's optimizer.
                archive = path.endswith(".keras")
                model = keras.models.load_model(path, compile=archive)
                ours, theirs = layer_signature(build(keras, name)), layer_signature(model)
                if ours != theirs:
                    raise ValueError(f"architecture from model_config differs: {theirs} != {ours}")
                if archive and (model.optimizer is None or int(model.optimizer.iterations.numpy()) == 0):
                    raise ValueError("load_model did not restore the optimizer (no compile config, or no saved iterations)")
                return model

            run_check(results, f"{file} load_model", load_model, x, expected)
    print(f"{results.passed} passed, {results.failed} failed")
    return 1 if results.failed else 0


def fixtures(workdir, fixture_dir, names):
    """Precast's predictions from Keras's own .keras files (WORKDIR/NAME.keras.precast.csv) against Keras's
    (FIXTURE_DIR/NAME.output.csv)."""
    results = Results()
    for name in names:
        try:
            got = read_precast(os.path.join(workdir, f"{name}.keras.precast.csv"))
            expected = np.loadtxt(os.path.join(fixture_dir, f"{name}.output.csv"), delimiter=",", dtype=np.float64, ndmin=2)
        except Exception as error:
            results.report(f"{name}.keras (Keras's) precast infer", False, f"error: {error}")
            continue
        if got.shape != expected.shape:
            results.report(f"{name}.keras (Keras's) precast infer", False, f"shape: {got.shape} vs Keras {expected.shape}")
            continue
        worst = float(np.abs(got - expected).max())
        ok = bool(np.isfinite(got).all()) and worst <= TOLERANCE
        results.report(f"{name}.keras (Keras's) precast infer", ok, f"max|Δ| = {worst:.1e}")
    print(f"{results.passed} passed, {results.failed} failed")
    return 1 if results.failed else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("prepare", help="write the fixed inputs into WORKDIR")
    p.add_argument("workdir")
    p.add_argument("--pima-csv", default=PIMA_CSV)
    p.add_argument("--fashion-images", default=FASHION_TEST_IMAGES)
    c = sub.add_parser("check", help="load the weights in Keras and compare predictions")
    c.add_argument("workdir")
    f = sub.add_parser("fixtures", help="compare Precast's predictions from Keras's .keras fixtures with Keras's")
    f.add_argument("workdir")
    f.add_argument("fixture_dir")
    f.add_argument("names", nargs="+")
    args = parser.parse_args()
    if args.command == "fixtures":
        return fixtures(args.workdir, args.fixture_dir, args.names)
    if args.command == "prepare":
        prepare(args.workdir, args.pima_csv, args.fashion_images)
        return 0
    return check(args.workdir)


if __name__ == "__main__":
    sys.exit(main())
