# catalogue.sh: the rows of Scripts/error-catalogue.sh (sourced there; run in its scratch folder, with $train and
# $infer the pima tutorial's generated binaries and $precast the compiler). Keep README.md's table in step:
# `Scripts/error-catalogue.sh --markdown`.

# MARK: Training data
row "training data file missing" 1 'error: nope.csv: cannot open (No such file or directory)' \
    $train --data nope.csv
row "unsupported data file type" 1 'error: data.xlsx: unsupported file type '\''.xlsx'\'' (supported: .csv, .txt, .npy, .idx, .gz, .pgm, .ppm, CIFAR-10 .bin, and IDX names ending in -ubyte or containing idx1/idx3)' \
    $train --data data.xlsx
row "image folder without class subfolders" 1 'error: noclasses: no class subfolders (an image folder holds one subfolder of images per class)' \
    $train --data noclasses
row "CSV: a value that is not a number" 1 'error: badrow.csv:5: column 3: '\''x'\'' is not a number' \
    $train --data badrow.csv
row "CSV: a row with too few columns" 1 'error: short.csv:3: expected 9 columns, found 3' \
    $train --data short.csv
row "CSV: NaN in the data" 1 'error: nan.csv:4: column 3: '\''nan'\'' is not a finite number' \
    $train --data nan.csv
row "CSV: empty file" 1 'error: empty.csv: no data rows' \
    $train --data empty.csv
row "CSV: header only" 1 'error: header.csv: no data rows' \
    $train --data header.csv
row "labels file with fewer rows than the data" 1 'error: labels.csv: 10 labels for 20 samples in features.csv' \
    $train --data features.csv --labels labels.csv
row "a label 2 for one sigmoid output" 1 'error: label2.csv: binary target 2.0 at row 5 is outside [0, 1]' \
    $train --data label2.csv
row "three class names for one sigmoid output" 1 'error: three.csv: 3 classes (diabetic, healthy, unsure) for a model with 1 output(s), which takes at most 2' \
    $train --data three.csv
row "NPY: truncated" 1 'error: cut.npy: truncated data (expected 320 bytes, found 100)' \
    $train --data cut.npy --labels labels.csv
row "NPY: complex numbers" 1 'error: complex.npy: unsupported dtype '\''<c8'\'' (supported: f4 f8 i1 u1 i2 u2 i4 u4 i8 u8 b1)' \
    $train --data complex.npy --labels labels.csv
row "IDX: bad magic number" 1 'error: bad-idx3-ubyte: not an IDX file (bad magic 0x12 0x34 0x56 0x78)' \
    $train --data bad-idx3-ubyte --labels labels.csv
row "IDX.gz: damaged gzip stream" 1 'error: broken-idx3-ubyte.gz: truncated gzip data' \
    $train --data broken-idx3-ubyte.gz --labels labels.csv
row "CIFAR-10 .bin: not a whole number of records" 1 'error: data_batch_1.bin: 3000 bytes is not a whole number of CIFAR-10 records (3073 bytes each: label + 32×32×3 image)' \
    $train --data data_batch_1.bin --labels labels.csv

# MARK: Inference inputs
row "input rows with 7 features for a model of 8" 1 'error: seven.csv:1: expected 8 columns, found 7' \
    $infer --weights six.h5 seven.csv
row "input file missing" 1 'error: nope.csv: cannot open (No such file or directory)' \
    $infer --weights six.h5 nope.csv
row "PGM: truncated pixels" 1 'error: cut.pgm: truncated data (expected 8 bytes, found 2)' \
    $infer --weights six.h5 cut.pgm
row "a PNG input for a model whose input is not an image" 1 'error: fake.png: PNG/JPEG inputs need a model whose input is [height, width, channels]; this model'\''s is [8]' \
    $infer --weights six.h5 fake.png

# MARK: Weights files
row "weights file missing" 1 'error: nope.h5: no such file' \
    $infer --weights nope.h5 rows.csv
row "weights file that is not HDF5" 1 'error: pima.csv: not an HDF5 file' \
    $infer --weights pima.csv rows.csv
row "HDF5 file truncated" 1 'error: truncated.h5: cannot open the HDF5 file, it is truncated or corrupt: unable to open file (truncated file: eof = 3000, sblock->base_addr = 0, stored_eof = 29152)' \
    $infer --weights truncated.h5 rows.csv
row "weights of another architecture" 1 'error: mlp.h5: layer '\''dense'\'' (Dense) weight '\''kernel'\'': file has shape [784, 512], model expects [8, 12]' \
    $infer --weights mlp.h5 rows.csv
row "damaged HDF5 that crashes libhdf5" 1 'error: segv.h5: damaged HDF5 file: the HDF5 library crashed reading it (Segmentation fault)' \
    $infer --weights segv.h5 rows.csv
row "damaged HDF5 that hangs libhdf5" 1 'error: hang.h5: damaged HDF5 file? the HDF5 library did not finish reading it within 2 s' \
    $infer --weights hang.h5 rows.csv
row ".keras that is not a zip" 1 'error: csv.keras: not a zip archive' \
    $infer --weights csv.keras rows.csv
row ".keras truncated" 1 'error: cut.keras: truncated zip archive (no end-of-central-directory record)' \
    $infer --weights cut.keras rows.csv
row ".keras without model.weights.h5" 1 'error: noweights.keras: no model.weights.h5 in the archive' \
    $infer --weights noweights.keras rows.csv
row ".keras whose config.json is not JSON" 1 'error: config.keras: config.json is not JSON (expected a member name in quotes at byte 2)' \
    $infer --weights config.keras rows.csv

# MARK: Flags
row "missing --data" 64 'error: --data is required (see pima-train --help)' \
    $train --epochs 1
row "unknown option" 64 'error: Unknown option '\''--epoch'\''. Did you mean '\''--epochs'\''? (see pima-train --help)' \
    $train --data pima.csv --epoch 3
row "--epochs 0" 64 'error: --epochs must be at least 1 (see pima-train --help)' \
    $train --data pima.csv --epochs 0
row "--batch-size 0" 64 'error: --batch-size must be at least 1 (see pima-train --help)' \
    $train --data pima.csv --batch-size 0
row "--validation-split 1.5" 64 'error: --validation-split must be in [0, 1) (see pima-train --help)' \
    $train --data pima.csv --validation-split 1.5
row "--learning-rate=-1" 64 'error: --learning-rate must be positive, got -1.0 (see pima-train --help)' \
    $train --data pima.csv --learning-rate=-1
row "unknown optimizer" 64 'error: --optimizer '\''adamw'\'': use one of sgd, adam, rmsprop, adagrad, adadelta, adamax, nadam (see pima-train --help)' \
    $train --data pima.csv --optimizer adamw
row "momentum for adam" 64 'error: --momentum is for sgd and rmsprop, --nesterov for sgd; the optimizer is Adam (see pima-train --help)' \
    $train --data pima.csv --optimizer adam --momentum 0.9
row "malformed --class-weight" 64 'error: --class-weight '\''0-1'\'': use CLASS:WEIGHT pairs such as 0:1,1:3 (weights ≥ 0) (see pima-train --help)' \
    $train --data pima.csv --class-weight 0-1
row "monitoring a metric the logs do not have" 64 'error: cannot monitor '\''auc'\'': the logs have loss, accuracy, val_loss, val_accuracy (see pima-train --help)' \
    $train --data pima.csv --early-stopping-patience 3 --monitor auc
row "--kfold larger than the data" 1 'error: --kfold 800 is larger than the number of rows (768)' \
    $train --data pima.csv --kfold 800
row "--format with a .keras output" 64 'error: --format does not apply to a .keras output (its weights are always in the .weights.h5 layout) (see pima-train --help)' \
    $train --data pima.csv --output x.keras --format h5
row "output folder missing" 1 'error: missing/x.h5: the folder missing does not exist' \
    $train --data pima.csv --output missing/x.h5
row "--resume of a finished run" 1 'error: six.h5 finished epoch 2 of --epochs 2: raise --epochs to train on' \
    $train --data pima.csv --epochs 2 --resume six.h5 --output six.h5
row "inference --batch-size 0" 64 'error: --batch-size must be at least 1 (see pima-infer --help)' \
    $infer --weights six.h5 --batch-size 0 rows.csv

# MARK: Model files and Keras models (precast)
row "unknown built-in model" 1 'error: unknown model '\''nope'\''; built-in examples: pima, fashion-mlp, boston, fashion-cnn, fashion-deep-cnn, fashion-deep-cnn-bn, cifar-cnn, temperature-gru, temperature-gru-dropout, imdb-mlp, text-lstm, text-gru, text-bidirectional, text-conv1d, cats-vs-dogs, or pass a .swift file' \
    $precast generate nope
row "Dense on a 2-D input" 1 'error: layer '\''dense'\'' (Dense): expects a 1-D input per sample, got [28, 28]; add Flatten() before it' \
    $precast generate Broken.swift --output broken
row "a Conv2D window larger than its input" 1 'error: layer '\''conv2d'\'' (Conv2D): a 5×5 window does not fit the input [4, 4, 1] with padding "valid"' \
    $precast generate BadConv.swift --output badconv
row "a misspelt activation in a model file" 1 'error: Typo.swift:2:104: type '\''ActivationFunction'\'' has no member '\''sigmoidd'\''' \
    $precast generate Typo.swift --output typo
row "import of a Keras model with a Lambda layer" 1 'error: layer '\''lambda'\'' (Lambda): Precast has no Lambda layer (a Lambda or custom layer cannot be compiled)' \
    $precast import lambda.json --loss mse --output no
row "import of a weights-only file" 1 'error: weights-only.weights.h5: no model_config (a weights-only file has no architecture)' \
    $precast import weights-only.weights.h5 --output no
row "import of a missing file" 1 'error: nope.keras: no such file' \
    $precast import nope.keras --output no
