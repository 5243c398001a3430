/* LD_PRELOAD shim for the partition tests: as the process exits, copies its /proc/self/io to the
   file named by TUREEN_TEST_IO_REPORT, so a test can read how many bytes each task read (rchar:
   every byte read(2) and pread(2) returned, from the page cache or the disk; read_bytes counts only
   the disk's). A destructor runs after main returns and on exit(), as every tureen command ends. */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

__attribute__((destructor)) static void report_io(void) {
    const char *path = getenv("TUREEN_TEST_IO_REPORT");
    if (!path) return;
    char text[4096];
    int in = open("/proc/self/io", O_RDONLY);
    if (in < 0) return;
    ssize_t length = read(in, text, sizeof text);
    close(in);
    int out = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out < 0) return;
    if (length > 0 && write(out, text, (size_t)length) != length) unlink(path);
    close(out);
}
