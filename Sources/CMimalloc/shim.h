// mimalloc (Debian's libmimalloc-dev): linked into the seqlens executable, its malloc replaces
// glibc's for the whole process, oneDNN's and Swift's runtime's allocations included.
#include <mimalloc.h>
