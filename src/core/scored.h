// The currency between retrieval stages: a document slot with a score where higher is better.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

namespace osprey {

struct ScoredSlot {
  uint32_t slot;
  float score;
};

// Best first; ties broken by slot so that results are deterministic.
inline bool better(const ScoredSlot& a, const ScoredSlot& b) {
  return a.score > b.score || (a.score == b.score && a.slot < b.slot);
}
// better() as a function object, which std algorithms inline (a function pointer they call).
struct Better {
  bool operator()(const ScoredSlot& a, const ScoredSlot& b) const { return better(a, b); }
};

// Keeps the k best of `hits` (in any order on input), sorted best first.
inline void keep_top_k(std::vector<ScoredSlot>& hits, size_t k) {
  if (hits.size() > k) {
    std::nth_element(hits.begin(), hits.begin() + long(k), hits.end(), Better{});
    hits.resize(k);
  }
  std::sort(hits.begin(), hits.end(), Better{});
}

}  // namespace osprey
