// CRC-32 (the zip polynomial) by carry-less multiplication folding, after Gopal et al., "Fast CRC
// Computation for Generic Polynomials Using PCLMULQDQ Instruction" (Intel, 2009). zlib's table
// method checksums about 4 GB/s; folding runs near memory speed, which matters because every
// stored npz member is checksummed as it is written and read. Swift cannot reach the intrinsics.
#include <stddef.h>
#include <stdint.h>

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>

/// Whether the CPU has PCLMULQDQ and SSE4.1.
static inline int tureen_crc32_fold_available(void) {
    unsigned int eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
    return (ecx & bit_PCLMUL) && (ecx & bit_SSE4_1);
}

/// Advances the raw (pre-inverted) CRC-32 state over `length` bytes; `length` is at least 64 and a
/// multiple of 16. Callers invert before and after, as zlib's crc32 does internally.
__attribute__((target("pclmul,sse4.1")))
static inline uint32_t tureen_crc32_fold(uint32_t state, const unsigned char *bytes, size_t length) {
    // Folding constants x^(4*128+32), x^(4*128-32) mod P; then for one block; then x^64 mod P; then
    // the Barrett pair (P, floor(x^64 / P)), all bit-reflected.
    const __m128i fourBlocks = _mm_set_epi64x(0x01c6e41596, 0x0154442bd4);
    const __m128i oneBlock = _mm_set_epi64x(0x00ccaa009e, 0x01751997d0);
    const __m128i toSixtyFour = _mm_set_epi64x(0, 0x0163cd6124);
    const __m128i barrett = _mm_set_epi64x(0x01f7011641, 0x01db710641);
    const __m128i low32 = _mm_setr_epi32(~0, 0, ~0, 0);

    __m128i a = _mm_loadu_si128((const __m128i *)(bytes + 0));
    __m128i b = _mm_loadu_si128((const __m128i *)(bytes + 16));
    __m128i c = _mm_loadu_si128((const __m128i *)(bytes + 32));
    __m128i d = _mm_loadu_si128((const __m128i *)(bytes + 48));
    a = _mm_xor_si128(a, _mm_cvtsi32_si128((int)state));
    bytes += 64;
    length -= 64;

    while (length >= 64) {
        __m128i a0 = _mm_clmulepi64_si128(a, fourBlocks, 0x00), a1 = _mm_clmulepi64_si128(a, fourBlocks, 0x11);
        __m128i b0 = _mm_clmulepi64_si128(b, fourBlocks, 0x00), b1 = _mm_clmulepi64_si128(b, fourBlocks, 0x11);
        __m128i c0 = _mm_clmulepi64_si128(c, fourBlocks, 0x00), c1 = _mm_clmulepi64_si128(c, fourBlocks, 0x11);
        __m128i d0 = _mm_clmulepi64_si128(d, fourBlocks, 0x00), d1 = _mm_clmulepi64_si128(d, fourBlocks, 0x11);
        a = _mm_xor_si128(_mm_xor_si128(a0, a1), _mm_loadu_si128((const __m128i *)(bytes + 0)));
        b = _mm_xor_si128(_mm_xor_si128(b0, b1), _mm_loadu_si128((const __m128i *)(bytes + 16)));
        c = _mm_xor_si128(_mm_xor_si128(c0, c1), _mm_loadu_si128((const __m128i *)(bytes + 32)));
        d = _mm_xor_si128(_mm_xor_si128(d0, d1), _mm_loadu_si128((const __m128i *)(bytes + 48)));
        bytes += 64;
        length -= 64;
    }

    __m128i x = a;
    const __m128i next[3] = { b, c, d };
    for (int i = 0; i < 3; i++) {
        x = _mm_xor_si128(_mm_xor_si128(_mm_clmulepi64_si128(x, oneBlock, 0x00), _mm_clmulepi64_si128(x, oneBlock, 0x11)), next[i]);
    }
    while (length >= 16) {
        __m128i data = _mm_loadu_si128((const __m128i *)bytes);
        x = _mm_xor_si128(_mm_xor_si128(_mm_clmulepi64_si128(x, oneBlock, 0x00), _mm_clmulepi64_si128(x, oneBlock, 0x11)), data);
        bytes += 16;
        length -= 16;
    }

    // 128 bits to 64, then to 32 by Barrett reduction.
    __m128i t = _mm_clmulepi64_si128(x, oneBlock, 0x10);
    x = _mm_xor_si128(_mm_srli_si128(x, 8), t);
    t = _mm_srli_si128(x, 4);
    x = _mm_xor_si128(_mm_clmulepi64_si128(_mm_and_si128(x, low32), toSixtyFour, 0x00), t);
    t = _mm_clmulepi64_si128(_mm_and_si128(x, low32), barrett, 0x10);
    t = _mm_clmulepi64_si128(_mm_and_si128(t, low32), barrett, 0x00);
    x = _mm_xor_si128(x, t);
    return (uint32_t)_mm_extract_epi32(x, 1);
}
#else
static inline int tureen_crc32_fold_available(void) { return 0; }
static inline uint32_t tureen_crc32_fold(uint32_t state, const unsigned char *bytes, size_t length) { return state; }
#endif
