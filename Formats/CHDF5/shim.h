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

#endif
