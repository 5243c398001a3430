// The cost of reading a merge's inputs, and nothing else (two rows of Benchmarks/merge.sh): two threads
// `pread` the same files as Tureen's executor does, each its half of every chunk of 32 pieces, a
// piece of every file in turn, PASSES times over, and the wall time is printed. A method that
// reads its inputs twice (TIES's window pass, DARE's L1-norm pass, then the merge) pays the second
// pass of this on top of the one-pass merge.
//
// usage: read_floor PASSES PIECE_KIB FILE...
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum { maxFiles = 16, threads = 2, piecesPerChunk = 32 };
static int files[maxFiles];
static int fileCount;
static off_t fileSize;
static int passes;
static size_t pieceBytes;

static void *readHalves(void *argument) {
    long thread = (long)argument;
    char *buffer = aligned_alloc(64, pieceBytes * (size_t)fileCount);
    if (!buffer) { perror("aligned_alloc"); exit(1); }
    uint64_t touched = 0;
    off_t half = (off_t)pieceBytes * (piecesPerChunk / threads);
    for (int pass = 0; pass < passes; pass++) {
        for (off_t chunk = 0; chunk < fileSize; chunk += 2 * half) {
            off_t end = chunk + (thread + 1) * half < fileSize ? chunk + (thread + 1) * half : fileSize;
            for (off_t offset = chunk + thread * half; offset < end; offset += (off_t)pieceBytes) {
                for (int file = 0; file < fileCount; file++) {
                    ssize_t got = pread(files[file], buffer + file * pieceBytes, pieceBytes, offset);
                    if (got < 0) { perror("pread"); exit(1); }
                    if (got > 0) touched += (unsigned char)buffer[file * pieceBytes + got - 1];
                }
            }
        }
    }
    free(buffer);
    return (void *)(uintptr_t)touched;
}

int main(int argc, char **argv) {
    if (argc < 4 || argc - 3 > maxFiles) {
        fprintf(stderr, "usage: %s PASSES PIECE_KIB FILE... (at most %d files)\n", argv[0], maxFiles);
        return 2;
    }
    passes = atoi(argv[1]);
    pieceBytes = (size_t)atoi(argv[2]) * 1024;
    if (passes < 1 || pieceBytes == 0) {
        fprintf(stderr, "%s: PASSES and PIECE_KIB must be positive\n", argv[0]);
        return 2;
    }
    fileCount = argc - 3;
    for (int index = 0; index < fileCount; index++) {
        files[index] = open(argv[3 + index], O_RDONLY);
        if (files[index] < 0) { perror(argv[3 + index]); return 1; }
    }
    struct stat status;
    if (fstat(files[0], &status) != 0) { perror("fstat"); return 1; }
    fileSize = status.st_size;
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    pthread_t workers[threads];
    for (long thread = 0; thread < threads; thread++) {
        if (pthread_create(&workers[thread], NULL, readHalves, (void *)thread) != 0) { perror("pthread_create"); return 1; }
    }
    for (int thread = 0; thread < threads; thread++) pthread_join(workers[thread], NULL);
    clock_gettime(CLOCK_MONOTONIC, &end);
    printf("%.3f\n", (double)(end.tv_sec - start.tv_sec) + (double)(end.tv_nsec - start.tv_nsec) / 1e9);
    return 0;
}
