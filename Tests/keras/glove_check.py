# glove_check.py: pretrained word vectors, frozen: Keras loads the trained model and its Embedding rows are the GloVe file's.
#
# Run by Scripts/keras-roundtrip.sh in two steps:
#   glove_check.py write WORDS.txt GLOVE.txt DIM   a GloVe text file for every other word of WORDS.txt, plus words
#                                                 outside it (seeded vectors, "word v1 v2 …" per line)
#   glove_check.py check WORDS.txt GLOVE.txt MODEL.h5 INITIAL.h5
#       MODEL.h5 was trained with --embedding-vectors GLOVE.txt --vocabulary WORDS.txt --freeze embedding, INITIAL.h5
#       the same run's first weights: Keras's load_model must find row k = the vector of line k's word (zeros for
#       padding 0 and the words the file lacks), the table unchanged by training and the other layers changed.
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "jax")
import keras  # noqa: E402
import numpy as np  # noqa: E402


def write(words_path, glove_path, dim):
    words = open(words_path).read().split("\n")[:-1]
    rng = np.random.default_rng(5)
    with open(glove_path, "w") as f:
        for word in words[::2] + ["zzunknown", "qqother"]:
            f.write(word + " " + " ".join(f"{v:.6f}" for v in rng.normal(size=dim)) + "\n")


def check(words_path, glove_path, model_path, initial_path):
    words = open(words_path).read().split("\n")[:-1]
    vectors = {}
    for line in open(glove_path):
        parts = line.split()
        vectors[parts[0]] = np.array(parts[1:], dtype=np.float32)
    model = keras.saving.load_model(model_path, compile=False)
    initial = keras.saving.load_model(initial_path, compile=False)
    table = model.layers[0].get_weights()[0]
    expected = np.zeros_like(table)
    for index, word in enumerate(words, start=1):
        if word in vectors:
            expected[index] = vectors[word]
    worst = float(np.abs(table - expected).max())
    moved = max(float(np.abs(a - b).max()) for a, b in zip(model.get_weights()[1:], initial.get_weights()[1:]))
    found = sum(word in vectors for word in words)
    moved_each = [float(np.abs(a - b).max()) for a, b in zip(model.get_weights()[1:], initial.get_weights()[1:])]
    if not (worst <= 1e-6) or not all(np.isfinite(moved_each)) or not (moved > 0):  # NaN fails every test
        print(f"FAIL GloVe rows: max|table - file| = {worst:.1e}, other layers moved by {moved:.1e}")
        sys.exit(1)
    print(f"ok   frozen GloVe Embedding in Keras: {found} of {len(words)} rows from the file, max|Δ| = {worst:.1e}; "
          f"other layers trained (max change {moved:.2f})")


if sys.argv[1] == "write":
    write(sys.argv[2], sys.argv[3], int(sys.argv[4]))
else:
    check(*sys.argv[2:6])
