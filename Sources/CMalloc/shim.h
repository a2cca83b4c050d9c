// glibc allocator tuning (mallopt), see Allocator.keepLargeBlocksOnTheHeap.
#include <malloc.h>
