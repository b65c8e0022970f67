#include "rerank/fused_recall.h"

#include <unordered_map>

#include "core/error.h"

namespace osprey {

std::vector<SearchHit> convex_hybrid_search(const Collection& collection,
                                            const SearchRequest& request,
                                            const ConvexFusionOptions& options) {
  if (!request.vector || request.text.find_first_not_of(" \t\r\n\f\v") == std::string::npos) {
    throw Error(ErrorCode::kEmptyQuery, "convex fusion needs query text and a query vector");
  }
  SearchRequest stage = request;
  stage.k = request.candidates ? request.candidates : std::max<size_t>(4 * request.k, 100);
  stage.mode = SearchMode::kSparse;
  auto sparse = collection.search(stage);
  stage.mode = SearchMode::kDense;
  auto dense = collection.search(stage);
  std::vector<ScoredSlot> sparse_list, dense_list;
  for (const auto& h : sparse) sparse_list.push_back({h.slot, h.score});
  for (const auto& h : dense) dense_list.push_back({h.slot, h.score});
  auto fused =
      convex_combination({sparse_list, dense_list}, {options.sparse_weight, options.dense_weight},
                         options.normalization, request.k);
  std::unordered_map<uint32_t, const SearchHit*> by_sparse, by_dense;
  for (const auto& h : sparse) by_sparse[h.slot] = &h;
  for (const auto& h : dense) by_dense[h.slot] = &h;
  std::vector<SearchHit> out;
  out.reserve(fused.size());
  for (const auto& f : fused) {
    SearchHit hit{f.slot, f.score, {}, {}, {}, {}};
    if (auto it = by_sparse.find(f.slot); it != by_sparse.end()) {
      hit.sparse_score = it->second->score;
      hit.sparse_rank = it->second->sparse_rank;
    }
    if (auto it = by_dense.find(f.slot); it != by_dense.end()) {
      hit.dense_score = it->second->score;
      hit.dense_rank = it->second->dense_rank;
    }
    out.push_back(hit);
  }
  return out;
}

}  // namespace osprey
