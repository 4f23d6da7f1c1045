# gradcam_fixture.py: Keras's Grad-CAM of a small convnet, the reference for Precast's --heatmap.
"""Writes Tests/Fixtures/keras/gradcam.* (run with KERAS_BACKEND=jax JAX_PLATFORMS=cpu):

  gradcam.h5            Sequential(Input(14, 14, 3) → Conv2D(8, 3, relu) → MaxPooling2D(2) → Conv2D(8, 3, relu)
                        → MaxPooling2D(2) → Flatten → Dropout(0.5) → Dense(3, softmax)), the check model
                        'check-grad-cam', seeded random weights (non-zero biases), saved by model.save
  gradcam.input.npy     3 inputs in [0, 1), float32 (3, 14, 14, 3)
  gradcam.classes.csv   the class each map explains: the predicted class, then classes 0 and 2 for inputs 1 and 2
  gradcam.heatmap.npy   the Grad-CAM maps at conv2d_1 before upsampling, float32 (3, 4, 4)

Grad-CAM as in Deep Learning with Python (2nd ed., 9.4.3): the model split at the last convolution, the gradient of
the class's output (after softmax) w.r.t. that layer's output by jax.grad, averaged over the positions, the
channel-weighted output averaged over channels, ReLU, divided by its maximum.
"""
import os
import sys

import numpy as np


def main(directory):
    import jax
    import jax.numpy as jnp
    import keras
    from keras import layers

    keras.utils.set_random_seed(11)
    model = keras.Sequential(
        [
            keras.Input(shape=(14, 14, 3)),
            layers.Conv2D(8, 3, activation="relu", name="conv2d"),
            layers.MaxPooling2D(2, name="max_pooling2d"),
            layers.Conv2D(8, 3, activation="relu", name="conv2d_1"),
            layers.MaxPooling2D(2, name="max_pooling2d_1"),
            layers.Flatten(name="flatten"),
            layers.Dropout(0.5, name="dropout"),
            layers.Dense(3, activation="softmax", name="dense"),
        ],
        name="check_grad_cam",
    )
    rng = np.random.default_rng(11)
    for layer in model.layers:
        if layer.weights:
            layer.set_weights([(rng.normal(size=w.shape) * 0.4).astype(np.float32) for w in layer.get_weights()])
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    x = rng.random((3, 14, 14, 3), dtype=np.float32)

    conv = model.get_layer("conv2d_1")
    conv_model = keras.Model(model.inputs, conv.output)
    head_input = keras.Input(shape=conv.output.shape[1:])
    h = head_input
    for name in ["max_pooling2d_1", "flatten", "dropout", "dense"]:
        h = model.get_layer(name)(h)
    head = keras.Model(head_input, h)

    predictions = np.asarray(model.predict(x, verbose=0))
    classes = [int(np.argmax(predictions[0])), 0, 2]
    maps = []
    for i, k in enumerate(classes):
        a = jnp.asarray(conv_model(x[i : i + 1]))
        grads = jax.grad(lambda a: head(a, training=False)[0, k])(a)
        pooled = jnp.mean(grads, axis=(0, 1, 2))
        heatmap = np.asarray(jnp.mean(a[0] * pooled, axis=-1))
        heatmap = np.maximum(heatmap, 0)
        if heatmap.max() > 0:
            heatmap = heatmap / heatmap.max()
        maps.append(heatmap.astype(np.float32))
        print(f"input {i}: class {k}, heatmap max position {np.unravel_index(np.argmax(heatmap), heatmap.shape)}")

    model.save(os.path.join(directory, "gradcam.h5"))
    np.save(os.path.join(directory, "gradcam.input.npy"), x)
    np.save(os.path.join(directory, "gradcam.heatmap.npy"), np.stack(maps))
    np.savetxt(os.path.join(directory, "gradcam.classes.csv"), np.array(classes), fmt="%d")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "Fixtures", "keras"))
