// image_codecs.h: PNG and JPEG to and from 8-bit pixels, through libpng and libjpeg-turbo, with their errors turned
// into messages (both libraries report errors by longjmp, which Swift cannot catch: this C layer does).
#ifndef PRECAST_IMAGE_CODECS_H
#define PRECAST_IMAGE_CODECS_H
#include <stddef.h>

/// The format of an encoded image, from its first bytes.
typedef enum { precast_image_unknown = 0, precast_image_png = 1, precast_image_jpeg = 2 } precast_image_format;

precast_image_format precast_image_sniff(const unsigned char *data, size_t size);

/// Decodes a PNG (any bit depth, palette, grey, alpha; 16-bit samples reduced to 8) or a baseline/progressive JPEG held
/// in memory to 8-bit pixels, rows top to bottom, channels interleaved. `channels` 1 asks for grey, 3 for RGB (grey is
/// replicated, alpha dropped, RGB to grey as Y = 0.299 R + 0.587 G + 0.114 B), 0 for the file's own (1 or 3).
/// On success returns 0 and sets *pixels (free with `precast_image_free`), *width, *height, *channels_out;
/// on failure returns -1 with the reason in `message`.
int precast_image_decode(const unsigned char *data, size_t size, int channels, unsigned char **pixels, int *width,
                         int *height, int *channels_out, char *message, size_t message_size);

void precast_image_free(unsigned char *pixels);

/// Encodes 8-bit pixels (1 grey, 3 RGB or 4 RGBA channels) as a PNG in memory. Returns 0 and sets *png, *png_size
/// (free with `precast_image_free`), or -1 with the reason in `message`.
int precast_png_encode(const unsigned char *pixels, int width, int height, int channels, unsigned char **png,
                       size_t *png_size, char *message, size_t message_size);

/// Encodes 8-bit pixels (1 grey or 3 RGB channels) as a baseline JPEG of `quality` (1–100) in memory.
int precast_jpeg_encode(const unsigned char *pixels, int width, int height, int channels, int quality,
                        unsigned char **jpeg, size_t *jpeg_size, char *message, size_t message_size);

#endif
