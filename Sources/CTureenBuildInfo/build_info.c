#include "CTureenBuildInfo.h"

// git_commit.h is written by the Makefile (`make release`, `make dist`) and not kept in git.
#if __has_include("git_commit.h")
#include "git_commit.h"
#else
#define TUREEN_GIT_COMMIT "unknown"
#endif

const char *tureen_git_commit(void) {
    return TUREEN_GIT_COMMIT;
}

const char *tureen_running_cpu_features(void) {
    // One static buffer: only `tureen --version` asks, once.
    static char features[96];
    char *end = features;
#if defined(__x86_64__)
    __builtin_cpu_init();
    const char *names[] = {"sse4.2", "avx", "avx2", "fma", "f16c", "avx512f", "avx512bw", "avx512vl"};
    const int present[] = {
        __builtin_cpu_supports("sse4.2"), __builtin_cpu_supports("avx"), __builtin_cpu_supports("avx2"),
        __builtin_cpu_supports("fma"), __builtin_cpu_supports("f16c"), __builtin_cpu_supports("avx512f"),
        __builtin_cpu_supports("avx512bw"), __builtin_cpu_supports("avx512vl"),
    };
    for (unsigned index = 0; index < sizeof(names) / sizeof(names[0]); index++) {
        if (!present[index]) continue;
        *end++ = ' ';
        for (const char *letter = names[index]; *letter; letter++) *end++ = *letter;
    }
#endif
    *end = 0;
    return features;
}

int tureen_cpu_runs_x86_64_v3(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("x86-64-v3");
#else
    return 0;
#endif
}
