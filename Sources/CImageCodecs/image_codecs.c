// image_codecs.c: PNG (libpng) and JPEG (libjpeg-turbo) decoding and encoding in memory. Both libraries report a
// fatal error by calling a handler that must not return; here it longjmps back into the function that called the
// library, which frees what it allocated and returns -1 with the library's message.
#include "image_codecs.h"

#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>
#include <jerror.h>

/// The largest image accepted (either side, and in all): a corrupt header must not ask for gigabytes.
enum { max_side = 1 << 15 };
static const size_t max_pixels = (size_t)1 << 28;

static void set_message(char *message, size_t size, const char *text) {
  if (message && size > 0) {
    snprintf(message, size, "%s", text);
  }
}

precast_image_format precast_image_sniff(const unsigned char *data, size_t size) {
  static const unsigned char png_signature[8] = {0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a};
  if (size >= 8 && memcmp(data, png_signature, 8) == 0) return precast_image_png;
  if (size >= 3 && data[0] == 0xff && data[1] == 0xd8 && data[2] == 0xff) return precast_image_jpeg;
  return precast_image_unknown;
}

void precast_image_free(unsigned char *pixels) { free(pixels); }

static int check_size(int width, int height, char *message, size_t message_size) {
  if (width <= 0 || height <= 0 || width > max_side || height > max_side || (size_t)width * (size_t)height > max_pixels) {
    char text[96];
    snprintf(text, sizeof text, "image size %d×%d is out of range (at most %d pixels a side)", width, height, max_side);
    set_message(message, message_size, text);
    return -1;
  }
  return 0;
}

// MARK: - PNG

typedef struct {
  const unsigned char *data;
  size_t size, offset;
  char *message;
  size_t message_size;
} png_source;

static void png_fail(png_structp png, png_const_charp text) {
  png_source *source = png_get_error_ptr(png);
  set_message(source->message, source->message_size, text);
  png_longjmp(png, 1);
}

static void png_quiet_warning(png_structp png, png_const_charp text) {
  (void)png;
  (void)text;
}

static void png_read_memory(png_structp png, png_bytep out, png_size_t count) {
  png_source *source = png_get_io_ptr(png);
  if (count > source->size - source->offset) png_error(png, "truncated PNG data");
  memcpy(out, source->data + source->offset, count);
  source->offset += count;
}

static int decode_png(const unsigned char *data, size_t size, int channels, unsigned char **pixels, int *width,
                      int *height, int *channels_out, char *message, size_t message_size) {
  png_source source = {data, size, 0, message, message_size};
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &source, png_fail, png_quiet_warning);
  if (!png) {
    set_message(message, message_size, "out of memory");
    return -1;
  }
  png_infop info = png_create_info_struct(png);
  unsigned char *volatile out = NULL;
  png_bytep *volatile rows = NULL;
  if (!info) {
    png_destroy_read_struct(&png, NULL, NULL);
    set_message(message, message_size, "out of memory");
    return -1;
  }
  if (setjmp(png_jmpbuf(png))) {
    free(out);
    free(rows);
    png_destroy_read_struct(&png, &info, NULL);
    return -1;
  }
  png_set_read_fn(png, &source, png_read_memory);
  png_read_info(png, info);
  int w = (int)png_get_image_width(png, info), h = (int)png_get_image_height(png, info);
  if (check_size(w, h, message, message_size) != 0) png_longjmp(png, 1);
  int color = png_get_color_type(png, info);
  png_set_expand(png);  // palette → RGB, grey below 8 bits → 8, tRNS → alpha
  png_set_strip_16(png);
  png_set_strip_alpha(png);
  int own = (color & PNG_COLOR_MASK_COLOR) ? 3 : 1;
  int want = channels == 0 ? own : channels;
  if (want == 1 && own == 3) png_set_rgb_to_gray_fixed(png, 1, 29900, 58700);  // Y = 0.299 R + 0.587 G + 0.114 B
  if (want == 3 && own == 1) png_set_gray_to_rgb(png);
  png_set_interlace_handling(png);
  png_read_update_info(png, info);
  if ((int)png_get_channels(png, info) != want || png_get_bit_depth(png, info) != 8) png_error(png, "unsupported PNG layout");
  size_t stride = (size_t)w * (size_t)want;
  out = malloc(stride * (size_t)h);
  rows = malloc(sizeof(png_bytep) * (size_t)h);
  if (!out || !rows) png_error(png, "out of memory");
  for (int y = 0; y < h; y++) rows[y] = out + stride * (size_t)y;
  png_read_image(png, rows);
  png_read_end(png, NULL);
  free(rows);
  png_destroy_read_struct(&png, &info, NULL);
  *pixels = out;
  *width = w;
  *height = h;
  *channels_out = want;
  return 0;
}

// MARK: - JPEG

typedef struct {
  struct jpeg_error_mgr base;
  jmp_buf jump;
  char *message;
  size_t message_size;
} jpeg_failure;

static void jpeg_fail(j_common_ptr cinfo) {
  jpeg_failure *failure = (jpeg_failure *)cinfo->err;
  char text[JMSG_LENGTH_MAX];
  (*cinfo->err->format_message)(cinfo, text);
  set_message(failure->message, failure->message_size, text);
  longjmp(failure->jump, 1);
}

/// Warnings are ignored (as TensorFlow's decoder does), except premature end of data: a truncated file is an error.
static void jpeg_warn(j_common_ptr cinfo, int level) {
  if (level < 0 && cinfo->err->msg_code == JWRN_JPEG_EOF) {
    jpeg_failure *failure = (jpeg_failure *)cinfo->err;
    set_message(failure->message, failure->message_size, "truncated JPEG data");
    longjmp(failure->jump, 1);
  }
}

static int decode_jpeg(const unsigned char *data, size_t size, int channels, unsigned char **pixels, int *width,
                       int *height, int *channels_out, char *message, size_t message_size) {
  struct jpeg_decompress_struct cinfo;
  jpeg_failure failure;
  unsigned char *volatile out = NULL;
  cinfo.err = jpeg_std_error(&failure.base);
  failure.base.error_exit = jpeg_fail;
  failure.base.emit_message = jpeg_warn;
  failure.message = message;
  failure.message_size = message_size;
  if (setjmp(failure.jump)) {
    free(out);
    jpeg_destroy_decompress(&cinfo);
    return -1;
  }
  jpeg_create_decompress(&cinfo);
  jpeg_mem_src(&cinfo, data, (unsigned long)size);
  jpeg_read_header(&cinfo, TRUE);
  if (check_size((int)cinfo.image_width, (int)cinfo.image_height, message, message_size) != 0) longjmp(failure.jump, 1);
  int own = cinfo.num_components == 1 ? 1 : 3;
  int want = channels == 0 ? own : channels;
  if (cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK) {
    set_message(message, message_size, "CMYK JPEG images are not supported (convert to RGB)");
    longjmp(failure.jump, 1);
  }
  cinfo.out_color_space = want == 1 ? JCS_GRAYSCALE : JCS_RGB;
  cinfo.dct_method = JDCT_IFAST;  // TensorFlow's default (decode_jpeg's dct_method ""), so pixels match Keras's
  jpeg_start_decompress(&cinfo);
  int w = (int)cinfo.output_width, h = (int)cinfo.output_height;
  size_t stride = (size_t)w * (size_t)want;
  out = malloc(stride * (size_t)h);
  if (!out) {
    set_message(message, message_size, "out of memory");
    longjmp(failure.jump, 1);
  }
  while (cinfo.output_scanline < cinfo.output_height) {
    JSAMPROW row = out + stride * cinfo.output_scanline;
    jpeg_read_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_decompress(&cinfo);
  jpeg_destroy_decompress(&cinfo);
  *pixels = out;
  *width = w;
  *height = h;
  *channels_out = want;
  return 0;
}

int precast_image_decode(const unsigned char *data, size_t size, int channels, unsigned char **pixels, int *width,
                         int *height, int *channels_out, char *message, size_t message_size) {
  if (channels != 0 && channels != 1 && channels != 3) {
    set_message(message, message_size, "channels must be 0, 1 or 3");
    return -1;
  }
  switch (precast_image_sniff(data, size)) {
    case precast_image_png:
      return decode_png(data, size, channels, pixels, width, height, channels_out, message, message_size);
    case precast_image_jpeg:
      return decode_jpeg(data, size, channels, pixels, width, height, channels_out, message, message_size);
    default:
      set_message(message, message_size, "not a PNG or JPEG image");
      return -1;
  }
}

// MARK: - Encoding

typedef struct {
  unsigned char *data;
  size_t size, capacity;
  int failed;
} png_sink;

static void png_write_memory(png_structp png, png_bytep bytes, png_size_t count) {
  png_sink *sink = png_get_io_ptr(png);
  if (sink->size + count > sink->capacity) {
    size_t capacity = (sink->capacity + count) * 2;
    unsigned char *grown = realloc(sink->data, capacity);
    if (!grown) png_error(png, "out of memory");
    sink->data = grown;
    sink->capacity = capacity;
  }
  memcpy(sink->data + sink->size, bytes, count);
  sink->size += count;
}

static void png_flush_memory(png_structp png) { (void)png; }

int precast_png_encode(const unsigned char *pixels, int width, int height, int channels, unsigned char **png_out,
                       size_t *png_size, char *message, size_t message_size) {
  if (check_size(width, height, message, message_size) != 0) return -1;
  int color = channels == 1 ? PNG_COLOR_TYPE_GRAY : channels == 3 ? PNG_COLOR_TYPE_RGB : channels == 4 ? PNG_COLOR_TYPE_RGBA : -1;
  if (color < 0) {
    set_message(message, message_size, "PNG images have 1, 3 or 4 channels");
    return -1;
  }
  png_source errors = {NULL, 0, 0, message, message_size};
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &errors, png_fail, png_quiet_warning);
  png_infop info = png ? png_create_info_struct(png) : NULL;
  png_sink sink = {NULL, 0, 0, 0};
  if (!png || !info) {
    png_destroy_write_struct(&png, &info);
    set_message(message, message_size, "out of memory");
    return -1;
  }
  if (setjmp(png_jmpbuf(png))) {
    free(sink.data);
    png_destroy_write_struct(&png, &info);
    return -1;
  }
  png_set_write_fn(png, &sink, png_write_memory, png_flush_memory);
  png_set_IHDR(png, info, (png_uint_32)width, (png_uint_32)height, 8, color, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
               PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  size_t stride = (size_t)width * (size_t)channels;
  for (int y = 0; y < height; y++) png_write_row(png, pixels + stride * (size_t)y);
  png_write_end(png, NULL);
  png_destroy_write_struct(&png, &info);
  *png_out = sink.data;
  *png_size = sink.size;
  return 0;
}

int precast_jpeg_encode(const unsigned char *pixels, int width, int height, int channels, int quality,
                        unsigned char **jpeg_out, size_t *jpeg_size, char *message, size_t message_size) {
  if (check_size(width, height, message, message_size) != 0) return -1;
  if (channels != 1 && channels != 3) {
    set_message(message, message_size, "JPEG images have 1 or 3 channels");
    return -1;
  }
  struct jpeg_compress_struct cinfo;
  jpeg_failure failure;
  unsigned char *buffer = NULL;
  unsigned long size = 0;
  cinfo.err = jpeg_std_error(&failure.base);
  failure.base.error_exit = jpeg_fail;
  failure.message = message;
  failure.message_size = message_size;
  if (setjmp(failure.jump)) {
    jpeg_destroy_compress(&cinfo);
    free(buffer);
    return -1;
  }
  jpeg_create_compress(&cinfo);
  jpeg_mem_dest(&cinfo, &buffer, &size);
  cinfo.image_width = (JDIMENSION)width;
  cinfo.image_height = (JDIMENSION)height;
  cinfo.input_components = channels;
  cinfo.in_color_space = channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
  jpeg_set_defaults(&cinfo);
  jpeg_set_quality(&cinfo, quality, TRUE);
  jpeg_start_compress(&cinfo, TRUE);
  size_t stride = (size_t)width * (size_t)channels;
  while (cinfo.next_scanline < cinfo.image_height) {
    JSAMPROW row = (JSAMPROW)(pixels + stride * cinfo.next_scanline);
    jpeg_write_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_compress(&cinfo);
  jpeg_destroy_compress(&cinfo);
  *jpeg_out = buffer;
  *jpeg_size = size;
  return 0;
}
