// zlib, for reading gzip-compressed IDX files (Fashion-MNIST ships them as .gz).
#include <zlib.h>
