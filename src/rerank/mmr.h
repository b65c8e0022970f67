// Maximal marginal relevance (Carbonell & Goldstein, SIGIR 1998): greedily pick the candidate that
// maximises lambda * relevance - (1 - lambda) * (its highest similarity to those already picked),
// so near-duplicates of a chosen result sink. Relevance is min-max normalised first, so lambda
// trades off quantities on the same [0, 1] scale as the similarity.
#pragma once

#include <functional>
#include <vector>

namespace osprey {

// Returns the indices of the first `k` picks (k capped at the candidate count), best first.
// lambda in [0, 1] (INVALID_ARGUMENT otherwise); 1 keeps the relevance order. NaN relevance
// is refused with INVALID_ARGUMENT.
std::vector<size_t> mmr_order(const std::vector<double>& relevance,
                              const std::function<double(size_t, size_t)>& similarity,
                              double lambda, size_t k);

}  // namespace osprey
