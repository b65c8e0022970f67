// The search options every entry point shares (Collection.search, searchDocuments, the rerank
// cascade's recall and training), read in one place so they mean the same everywhere.
#pragma once

#include <emscripten/val.h>

#include "collection/collection.h"

namespace osprey::bindings {

// {text, vector, <k_key>, mode, filterJson, ef, exact, candidates, rrfK,
//  fusion: 'rrf' | 'convex' | {method, sparseWeight, denseWeight, normalization}}
SearchRequest read_search_request(const emscripten::val& options, const char* k_key,
                                  size_t default_k);

}  // namespace osprey::bindings
