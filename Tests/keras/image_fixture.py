"""Writes Tests/Fixtures/images/: a two-class image folder (PNG and JPEG written by Pillow: RGB, grey, RGBA, palette,
16-bit, odd sizes) and what Keras makes of it, for ImageFolderTests:

- decoded.npz: every file decoded by Pillow (PNG; exact) and TensorFlow (JPEG; libjpeg's rounding), as uint8 [h, w, 3];
- keras.npz + keras.json: keras.utils.image_dataset_from_directory(image_size=(24, 20)) without shuffling (the
  resized float pixels, RGB and grayscale) and the file order of its validation_split=0.25 subsets with seed 7.

Run with TensorFlow, Keras 3 and Pillow (the benchmark environment):
    .build-bench-venv/bin/python Tests/keras/image_fixture.py
"""
import json
import os
import sys

import numpy as np
from PIL import Image

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
import keras  # noqa: E402
import tensorflow as tf  # noqa: E402

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Fixtures", "images")
tree = os.path.join(root, "tree")
rng = np.random.RandomState(3)


def pattern(h, w):
    y, x = np.mgrid[0:h, 0:w]
    rgb = np.stack([(x * 255 // max(w - 1, 1)), (y * 255 // max(h - 1, 1)), ((x + y) * 7) % 256], -1)
    return np.clip(rgb + rng.randint(-20, 21, rgb.shape), 0, 255).astype(np.uint8)


def write(cls, name, image, **options):
    os.makedirs(os.path.join(tree, cls), exist_ok=True)
    image.save(os.path.join(tree, cls, name), **options)


files = []
for cls, sizes in [("cats", [(30, 40), (17, 23), (24, 20)]), ("dogs", [(50, 31), (12, 12), (41, 45)])]:
    for i, (h, w) in enumerate(sizes):
        rgb = pattern(h, w)
        write(cls, f"{cls}{i}.png", Image.fromarray(rgb))
        write(cls, f"{cls}{i}.jpg", Image.fromarray(rgb), quality=92)
    h, w = sizes[0]
    write(cls, f"{cls}-grey.png", Image.fromarray(pattern(h, w)[..., 0]))
    write(cls, f"{cls}-grey.jpeg", Image.fromarray(pattern(h, w)[..., 1]), quality=90)
    rgba = np.concatenate([pattern(h, w), rng.randint(0, 256, (h, w, 1)).astype(np.uint8)], -1)
    write(cls, f"{cls}-alpha.PNG", Image.fromarray(rgba))
    write(cls, f"{cls}-palette.png", Image.fromarray(pattern(h, w)).convert("P", palette=Image.ADAPTIVE, colors=16))
    write(cls, f"{cls}-deep.png", Image.fromarray(pattern(h, w)[..., 2].astype(np.uint16) * 257 + 3))
with open(os.path.join(tree, "README.md"), "w") as f:  # not an image: ignored by Keras and Precast alike
    f.write("Written by Tests/keras/image_fixture.py.\n")

decoded = {}
for cls in sorted(os.listdir(tree)):
    folder = os.path.join(tree, cls)
    if not os.path.isdir(folder):
        continue
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        data = tf.io.read_file(path)
        decoded[f"{cls}/{name}"] = tf.io.decode_image(data, channels=3, expand_animations=False).numpy().astype(np.uint8)
        if name.lower().endswith(".png"):
            pil = np.asarray(Image.open(path).convert("RGB")) if "deep" not in name else None
            if pil is not None:
                assert (pil == decoded[f"{cls}/{name}"]).all(), name  # TF and Pillow agree on PNG
np.savez(os.path.join(root, "decoded.npz"), **{k.replace("/", "__"): v for k, v in decoded.items()})

out, meta = {}, {}
for mode in ["rgb", "grayscale"]:
    ds = keras.utils.image_dataset_from_directory(tree, image_size=(24, 20), color_mode=mode, shuffle=False, batch_size=None)
    images = np.stack([x.numpy() for x, _ in ds])
    labels = np.array([int(y.numpy()) for _, y in ds])
    out[f"{mode}_images"] = images.astype(np.float32)
    out[f"{mode}_labels"] = labels
    meta[f"{mode}_files"] = [os.path.relpath(p, tree) for p in ds.file_paths]
    meta["class_names"] = ds.class_names
for subset in ["training", "validation"]:
    ds = keras.utils.image_dataset_from_directory(tree, image_size=(24, 20), validation_split=0.25, subset=subset, seed=7, batch_size=None)
    meta[f"{subset}_files"] = [os.path.relpath(p, tree) for p in ds.file_paths]
np.savez(os.path.join(root, "keras.npz"), **out)
with open(os.path.join(root, "keras.json"), "w") as f:
    json.dump(meta, f, indent=1)
print("wrote", root, len(decoded), "images", meta["training_files"][:3])
