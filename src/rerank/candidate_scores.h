// Scoring a fixed candidate list with a sparse search: the search runs restricted to the
// candidates' slots, and each candidate gets its score (0 where the search did not match it).
#pragma once

#include <unordered_map>
#include <vector>

#include "collection/collection.h"
#include "core/bitset.h"
#include "core/scored.h"

namespace osprey {

// `search(k, allowed)` returns the top `k` slots among `allowed`.
template <typename Search>
std::vector<float> scores_of_candidates(const Bm25Index& index,
                                        const std::vector<SearchHit>& candidates, Search&& search) {
  std::vector<float> out(candidates.size(), 0.0f);
  if (candidates.empty()) return out;
  Bitset only(index.slot_capacity());
  for (const SearchHit& c : candidates) {
    if (c.slot < index.slot_capacity()) only.set(c.slot);
  }
  std::unordered_map<uint32_t, float> by_slot;
  for (const ScoredSlot& s : search(candidates.size(), &only)) by_slot[s.slot] = s.score;
  for (size_t i = 0; i < candidates.size(); ++i) {
    auto it = by_slot.find(candidates[i].slot);
    if (it != by_slot.end()) out[i] = it->second;
  }
  return out;
}

}  // namespace osprey
