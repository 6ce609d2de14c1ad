// oneDNN (Debian: libdnnl-dev), for its sgemm: JIT kernels chosen by the CPU's own features,
// AVX-512 where the CPU has it, whatever OPENBLAS_CORETYPE says.
#include <oneapi/dnnl/dnnl.h>

// Debian's oneDNN runs on libgomp; it sizes each product by the calling thread's OpenMP
// thread count. gcc's omp.h is not on clang's include path, so the two calls are declared here.
int omp_get_max_threads(void);
void omp_set_num_threads(int count);
