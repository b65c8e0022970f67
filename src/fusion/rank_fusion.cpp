#include "fusion/rank_fusion.h"

#include <unordered_map>

namespace osprey {

std::vector<ScoredSlot> reciprocal_rank_fusion(const std::vector<std::vector<ScoredSlot>>& lists,
                                               double k, size_t top) {
  std::unordered_map<uint32_t, double> fused;
  for (const auto& list : lists) {
    for (size_t rank = 0; rank < list.size(); ++rank) {
      fused[list[rank].slot] += 1.0 / (k + double(rank + 1));
    }
  }
  std::vector<ScoredSlot> hits;
  hits.reserve(fused.size());
  for (const auto& [slot, score] : fused) hits.push_back({slot, float(score)});
  keep_top_k(hits, top);
  return hits;
}

}  // namespace osprey
