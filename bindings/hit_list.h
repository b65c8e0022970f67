// Search hits into JS. Hits cross as flat buffers that web/src/hits.js (Module.decodeHits) turns
// into objects in one call: building a JSON text here and parsing it in JS cost more than the
// search itself for 100 hits (JSON.parse alone ~0.5 µs per hit).
#pragma once

#include <emscripten/val.h>

#include <string>
#include <vector>

#include "collection/collection.h"

namespace osprey::bindings {

// What a hit carries besides id and scores (search options highlight, snippet, documents).
struct HitOptions {
  const std::vector<std::string>* terms = nullptr;          // highlight: spans of these terms
  const std::vector<std::string>* snippet_terms = nullptr;  // snippet: best passage for these
  size_t snippet_chars = 200;
  bool documents = true;  // title, body and metadata
};

// The hits as an array of {id, score, title?, body?, metadata, sparseScore?, denseScore?,
// sparseRank?, denseRank?, snippet?, highlights?}.
emscripten::val hits_to_js(const Collection& c, const std::vector<SearchHit>& hits,
                           const HitOptions& options);

}  // namespace osprey::bindings
