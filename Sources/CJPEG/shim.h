// libjpeg-turbo's libjpeg API (pkg-config "libjpeg"; Debian's libjpeg62-turbo-dev).
#include <stdio.h>
#include <jpeglib.h>
