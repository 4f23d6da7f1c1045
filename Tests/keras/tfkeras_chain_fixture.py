"""Writes Tests/Fixtures/keras/chain.tfkeras.h5: the functional chain of import_fixture.py (chain.keras) rebuilt in
tf-keras 2.x (the legacy dialect: batch_input_shape, LeakyReLU(alpha=…), nested-list inbound nodes, Custom>Adam) with
chain.keras's weights, saved with model.save(…h5), and chain.tfkeras.output.csv (its predictions on chain.input.npy).

Run where TensorFlow, tf-keras and Keras 3 are installed (the benchmark environment):
    .build-bench-venv/bin/python Tests/keras/tfkeras_chain_fixture.py
"""
import os

import numpy as np

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
import keras  # Keras 3, to read chain.keras
import tf_keras
from tf_keras import layers

directory = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Fixtures", "keras")
source = keras.models.load_model(os.path.join(directory, "chain.keras"))

inputs = tf_keras.Input(shape=(12, 12, 3))
x = layers.Conv2D(8, 3, padding="same", activation="relu", name="base_conv")(inputs)
x = layers.BatchNormalization(name="base_bn")(x)
x = layers.MaxPooling2D(2)(x)
x = layers.Conv2D(8, 3)(x)
x = layers.LeakyReLU(alpha=0.1)(x)
x = layers.Flatten()(x)
x = layers.Dropout(0.25)(x)
x = layers.Dense(16, activation="relu", kernel_regularizer=tf_keras.regularizers.L2(1e-3))(x)
outputs = layers.Dense(3, activation="softmax", name="head")(x)
model = tf_keras.Model(inputs, outputs, name="chain")
model.compile(optimizer=tf_keras.optimizers.Adam(learning_rate=0.002), loss="categorical_crossentropy", metrics=["accuracy"])
model.set_weights(source.get_weights())

x = np.load(os.path.join(directory, "chain.input.npy"))
expected = source.predict(x, verbose=0)
got = model.predict(x, verbose=0)
assert np.abs(got - expected).max() < 1e-5, np.abs(got - expected).max()
model.save(os.path.join(directory, "chain.tfkeras.h5"))
np.savetxt(os.path.join(directory, "chain.tfkeras.output.csv"), got, delimiter=",", fmt="%.9g")
print("wrote chain.tfkeras.h5; tf-keras and Keras 3 agree within", np.abs(got - expected).max())
