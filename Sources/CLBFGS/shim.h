// libLBFGS (Debian's liblbfgs-dev): the limited-memory BFGS minimiser plmc fits Potts models
// with, so a seqlens fit takes the same steps.
#include <lbfgs.h>
