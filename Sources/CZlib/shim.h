// zlib, for reading gzip-compressed IDX files (Fashion-MNIST ships them as .gz).
#include <zlib.h>
#include <malloc.h>  // malloc_trim: hand the compressed input back to the system after loading
