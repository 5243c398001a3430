#ifndef CTUREEN_BUILD_INFO_H
#define CTUREEN_BUILD_INFO_H

/// The x86 vector features the compiler was allowed to use, each after a space ("" for the
/// architecture's baseline). Inline in this header on purpose: Swift's importer compiles it with
/// the Swift code's own target options (`-target-cpu`), so it names what the vectorised kernels in
/// the Swift modules were built for, not what a C file compiled with clang's defaults would be.
static inline const char *tureen_compiled_cpu_features(void) {
    return ""
#ifdef __SSE4_2__
        " sse4.2"
#endif
#ifdef __AVX__
        " avx"
#endif
#ifdef __AVX2__
        " avx2"
#endif
#ifdef __FMA__
        " fma"
#endif
#ifdef __F16C__
        " f16c"
#endif
#ifdef __AVX512F__
        " avx512f"
#endif
#ifdef __AVX512BW__
        " avx512bw"
#endif
#ifdef __AVX512VL__
        " avx512vl"
#endif
        ;
}

/// The same features, those this CPU has, in the same form.
const char *tureen_running_cpu_features(void);

/// Whether this CPU has every feature of the x86-64-v3 level (AVX2, FMA, BMI2, F16C, …); 0 elsewhere.
int tureen_cpu_runs_x86_64_v3(void);

/// The git commit the binary was built from (`git describe --always --dirty`), or "unknown" for a
/// build that did not go through the Makefile.
const char *tureen_git_commit(void);

#endif
