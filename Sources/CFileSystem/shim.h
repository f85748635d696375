// statfs(2) and its filesystem magic numbers (glibc; not exported by the Glibc Swift module).
#include <sys/statfs.h>
