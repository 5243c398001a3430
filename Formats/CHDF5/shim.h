// Wraps the libhdf5 macros Swift cannot import (casts, and globals that need H5open() first) in
// static inline functions. Everything else is used directly from <hdf5.h>.
#ifndef TUREEN_CHDF5_SHIM_H
#define TUREEN_CHDF5_SHIM_H

#include <hdf5.h>

static inline hid_t tureen_H5P_DEFAULT(void) { return H5P_DEFAULT; }
static inline hid_t tureen_H5S_ALL(void) { return H5S_ALL; }
static inline hid_t tureen_H5E_DEFAULT(void) { return H5E_DEFAULT; }
static inline haddr_t tureen_HADDR_UNDEF(void) { return HADDR_UNDEF; }
static inline size_t tureen_H5T_VARIABLE(void) { return H5T_VARIABLE; }

static inline unsigned tureen_H5F_ACC_RDONLY(void) { return H5F_ACC_RDONLY; }
static inline unsigned tureen_H5F_ACC_TRUNC(void) { return H5F_ACC_TRUNC; }

static inline hid_t tureen_H5P_FILE_CREATE(void) { return H5P_FILE_CREATE; }
static inline hid_t tureen_H5P_FILE_ACCESS(void) { return H5P_FILE_ACCESS; }
static inline hid_t tureen_H5P_GROUP_CREATE(void) { return H5P_GROUP_CREATE; }
static inline hid_t tureen_H5P_DATASET_CREATE(void) { return H5P_DATASET_CREATE; }
static inline hid_t tureen_H5P_DATASET_ACCESS(void) { return H5P_DATASET_ACCESS; }
static inline hid_t tureen_H5P_LINK_ACCESS(void) { return H5P_LINK_ACCESS; }

static inline hid_t tureen_H5T_STD_I8LE(void) { return H5T_STD_I8LE; }
static inline hid_t tureen_H5T_STD_U8LE(void) { return H5T_STD_U8LE; }
static inline hid_t tureen_H5T_STD_I16LE(void) { return H5T_STD_I16LE; }
static inline hid_t tureen_H5T_STD_U16LE(void) { return H5T_STD_U16LE; }
static inline hid_t tureen_H5T_STD_I32LE(void) { return H5T_STD_I32LE; }
static inline hid_t tureen_H5T_STD_U32LE(void) { return H5T_STD_U32LE; }
static inline hid_t tureen_H5T_STD_I64LE(void) { return H5T_STD_I64LE; }
static inline hid_t tureen_H5T_STD_U64LE(void) { return H5T_STD_U64LE; }
static inline hid_t tureen_H5T_IEEE_F32LE(void) { return H5T_IEEE_F32LE; }
static inline hid_t tureen_H5T_IEEE_F64LE(void) { return H5T_IEEE_F64LE; }
static inline hid_t tureen_H5T_C_S1(void) { return H5T_C_S1; }

// Tureen's virtual file driver (HDF5ByteDriver): the file struct libhdf5 hands back to the
// driver's callbacks, its public part first as libhdf5 requires, then the driver's own fields.
typedef struct {
    H5FD_t base;
    haddr_t end_of_address;
    void *bytes;
} tureen_byte_file;

// What the byte driver supports: metadata accumulation and data sieving, as the sec2 driver.
static inline unsigned long tureen_byte_driver_features(void) {
    return H5FD_FEAT_ACCUMULATE_METADATA | H5FD_FEAT_DATA_SIEVE;
}

// Puts `message` on libhdf5's error stack as the byte driver's read or write error (H5Epush2 is
// variadic, which Swift cannot call).
static inline void tureen_push_driver_error(int writing, const char *message) {
    H5Epush2(H5E_DEFAULT, __FILE__, "tureen byte driver", __LINE__, H5E_ERR_CLS, H5E_VFL,
             writing ? H5E_WRITEERROR : H5E_READERROR, "%s", message);
}

#endif
