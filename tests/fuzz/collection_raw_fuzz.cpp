// collection_fuzz.cpp over the bytes as they are: no checksum fix-up, so this one checks that
// damage the checksum catches is refused cleanly (and that the header's own fields are checked).
#define OSPREY_FUZZ_RAW 1
#include "collection_fuzz.cpp"
