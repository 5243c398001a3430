/* LD_PRELOAD shim for the fault-injection tests: widens the window around the rename that puts an
   output in place, so a signal can land just before or just after it.

   TUREEN_TEST_RENAME_DELAY_MS  sleep this long before and again after every rename whose source
                                or target is not a Tureen temporary (`.tureen-` in the path): the
                                final rename and the two renames of a folder replacement.
   TUREEN_TEST_NO_RENAME_FLAGS  renameat2 with flags fails with EINVAL, as on NFS, so the two-step
                                folder replacement is taken. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void pause_if_final(const char *from, const char *to) {
    const char *delay = getenv("TUREEN_TEST_RENAME_DELAY_MS");
    if (delay && (!strstr(from, ".tureen-") || !strstr(to, ".tureen-"))) usleep((useconds_t)atoi(delay) * 1000);
}

int rename(const char *from, const char *to) {
    int (*real)(const char *, const char *) = (int (*)(const char *, const char *))dlsym(RTLD_NEXT, "rename");
    pause_if_final(from, to);
    int result = real(from, to);
    int saved = errno;
    pause_if_final(from, to);
    errno = saved;
    return result;
}

int renameat2(int from_dir, const char *from, int to_dir, const char *to, unsigned int flags) {
    if (flags && getenv("TUREEN_TEST_NO_RENAME_FLAGS")) {
        errno = EINVAL;
        return -1;
    }
    int (*real)(int, const char *, int, const char *, unsigned int) =
        (int (*)(int, const char *, int, const char *, unsigned int))dlsym(RTLD_NEXT, "renameat2");
    pause_if_final(from, to);
    int result = real(from_dir, from, to_dir, to, flags);
    int saved = errno;
    pause_if_final(from, to);
    errno = saved;
    return result;
}
