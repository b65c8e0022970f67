// Hybrid recall with a convex combination of normalised scores instead of RRF: the sparse and dense
// stages run separately (each `candidates` deep) and are mixed with per-query weights.
#pragma once

#include "collection/collection.h"
#include "fusion/score_fusion.h"

namespace osprey {

struct ConvexFusionOptions {
  double sparse_weight = 0.5;
  double dense_weight = 0.5;
  ScoreNormalization normalization = ScoreNormalization::kMinMax;
};

// Needs query text and a vector (EMPTY_QUERY otherwise) and a dense index. Hits carry both stage
// scores and ranks where the document was found by that stage.
std::vector<SearchHit> convex_hybrid_search(const Collection& collection,
                                            const SearchRequest& request,
                                            const ConvexFusionOptions& options);

}  // namespace osprey
