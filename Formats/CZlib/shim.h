// zlib for Swift: raw deflate/inflate and CRC-32. Swift cannot import the function-like macros
// deflateInit2/inflateInit2, so they are wrapped here; crc32_fold.h adds a faster CRC-32 kernel.
#include <zlib.h>
#include "crc32_fold.h"

/// Starts raw deflate (no zlib or gzip wrapper, as zip members are stored) at `level`.
static inline int tureen_deflate_init_raw(z_streamp stream, int level) {
    return deflateInit2(stream, level, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
}

/// Starts raw inflate (no zlib or gzip wrapper).
static inline int tureen_inflate_init_raw(z_streamp stream) {
    return inflateInit2(stream, -MAX_WBITS);
}
