#ifndef C_TUREEN_SYSTEM_H
#define C_TUREEN_SYSTEM_H

/* Constants and calls that Swift's Glibc module does not export because glibc declares them only
   under _GNU_SOURCE (as CNIOLinux does for swift-nio). Read from the C library, never hard-coded. */
#ifdef __linux__
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <unistd.h>

/* O_DIRECT: writes that bypass the page cache. */
static inline int c_tureen_o_direct(void) { return O_DIRECT; }

/* The cores in this process's affinity mask (a container or taskset may allow fewer than the
   machine has), or 0 if the mask cannot be read. */
static inline int c_tureen_affinity_cpu_count(void) {
    cpu_set_t set;
    return sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : 0;
}

/* Swaps two paths in one step (renameat2 with RENAME_EXCHANGE): both must exist. Returns 0, or -1
   with errno set; EINVAL or ENOSYS where the file system or kernel cannot exchange. */
static inline int c_tureen_rename_exchange(const char *from, const char *to) {
    return renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_EXCHANGE);
}

/* Renames `from` to `to` only if `to` does not exist (renameat2 with RENAME_NOREPLACE). Returns 0,
   or -1 with errno set: EEXIST if `to` exists, EINVAL or ENOSYS where unsupported. */
static inline int c_tureen_rename_no_replace(const char *from, const char *to) {
    return renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE);
}

/* pipe2(2) with O_CLOEXEC: a pipe whose ends no other child started meanwhile inherits. */
static inline int c_tureen_pipe_cloexec(int ends[2]) { return pipe2(ends, O_CLOEXEC); }
#endif

#endif
