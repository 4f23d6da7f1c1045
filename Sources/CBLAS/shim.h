// OpenBLAS's cblas.h (pkg-config "openblas" puts the openblas-pthread include directory first).
#include <cblas.h>
