// libBigWig (Debian's libbigwig-dev; no pkg-config file): writes bigWig tracks that IGV and
// pyBigWig read.
#include <bigWig.h>
