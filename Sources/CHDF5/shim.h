// HDF5 (serial). Its type, property-list and flag "constants" are macros that call H5open(),
// which Swift cannot import: the static inline getters below give them Swift names.
// Debian's serial HDF5 headers (libhdf5-dev); the library is linked by PrecastHDF5 (see Package.swift).
#include <hdf5/serial/hdf5.h>
#include <malloc.h>  // malloc_trim: hand memory freed after a save back to the system

static inline hid_t swh5_T_NATIVE_FLOAT(void)   { return H5T_NATIVE_FLOAT; }
static inline hid_t swh5_T_NATIVE_DOUBLE(void)  { return H5T_NATIVE_DOUBLE; }
static inline hid_t swh5_T_NATIVE_INT64(void)   { return H5T_NATIVE_INT64; }
static inline hid_t swh5_T_IEEE_F32LE(void)     { return H5T_IEEE_F32LE; }
static inline hid_t swh5_T_IEEE_F64LE(void)     { return H5T_IEEE_F64LE; }
static inline hid_t swh5_T_STD_I64LE(void)      { return H5T_STD_I64LE; }
static inline hid_t swh5_T_C_S1(void)           { return H5T_C_S1; }
static inline hid_t swh5_P_LINK_CREATE(void)    { return H5P_LINK_CREATE; }
static inline hid_t swh5_P_DATASET_CREATE(void) { return H5P_DATASET_CREATE; }
static inline unsigned swh5_F_ACC_TRUNC(void)   { return H5F_ACC_TRUNC; }
static inline unsigned swh5_F_ACC_RDONLY(void)  { return H5F_ACC_RDONLY; }
static inline unsigned swh5_F_ACC_RDWR(void)    { return H5F_ACC_RDWR; }
static inline size_t swh5_T_VARIABLE(void)      { return H5T_VARIABLE; }
static inline hid_t swh5_P_FILE_ACCESS(void)    { return H5P_FILE_ACCESS; }
static inline hid_t swh5_P_DEFAULT(void)        { return H5P_DEFAULT; }
static inline hid_t swh5_S_ALL(void)            { return H5S_ALL; }
static inline hid_t swh5_E_DEFAULT(void)        { return H5E_DEFAULT; }
