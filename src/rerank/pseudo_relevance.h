// Pseudo-relevance feedback as a rerank feature ("prf"), in the manner of RM3 (Lavrenko & Croft,
// 2001; Abdul-Jaleel et al., 2004): the best recall hits are taken as relevant, their most
// distinctive terms form an expansion query, and each candidate's BM25 for that query is its
// feature value. It rewards candidates that share the vocabulary of the top hits even where they
// do not use the query's own words.
#pragma once

#include <cstddef>
#include <vector>

#include "collection/collection.h"

namespace osprey {

struct PrfOptions {
  size_t feedback_docs = 10;  // top recall hits taken as relevant
  size_t terms = 10;          // expansion terms kept
};

// One value per candidate (in candidate order; candidates in recall order, best first): BM25 of the
// expansion query, 0 where no expansion term occurs. All zeros when the top hits have no terms.
std::vector<float> prf_scores(const Collection& collection,
                              const std::vector<SearchHit>& candidates,
                              const PrfOptions& options = {});

}  // namespace osprey
