// glibc allocator tuning (mallopt), see Tensor.allocatorTuned.
#include <malloc.h>
