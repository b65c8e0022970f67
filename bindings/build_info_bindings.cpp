// How many threads this build of the core inserts HNSW batches with (1 in the single-threaded
// module), for Osprey.buildInfo() (web/src/core.js).
#include <emscripten/bind.h>

#include "dense/hnsw_index.h"

EMSCRIPTEN_BINDINGS(osprey_build_info) {
  emscripten::function("buildThreads", &osprey::HnswIndex::build_threads);
}
