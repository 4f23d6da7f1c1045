// libpng 1.6 (pkg-config "libpng"; Debian's libpng-dev).
#include <png.h>
