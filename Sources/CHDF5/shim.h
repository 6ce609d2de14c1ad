// The HDF5 C library (Debian's libhdf5-dev, found through pkg-config `hdf5`), with functions for
// the constants Swift cannot import: HDF5 defines them as macros that open the library first.
#include <hdf5.h>

static inline hid_t chdf5_default_list(void) { return H5P_DEFAULT; }
static inline hid_t chdf5_default_stack(void) { return H5E_DEFAULT; }
static inline hid_t chdf5_whole_space(void) { return H5S_ALL; }
static inline unsigned chdf5_read_only(void) { return H5F_ACC_RDONLY; }
static inline hid_t chdf5_native_double(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t chdf5_native_int64(void) { return H5T_NATIVE_INT64; }
static inline hid_t chdf5_link_access_class(void) { return H5P_LINK_ACCESS; }
