#include "rerank/mmr.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.h"

namespace osprey {

std::vector<size_t> mmr_order(const std::vector<double>& relevance,
                              const std::function<double(size_t, size_t)>& similarity,
                              double lambda, size_t k) {
  if (!(lambda >= 0 && lambda <= 1)) {
    throw Error(ErrorCode::kInvalidArgument, "mmr lambda must be in [0, 1]");
  }
  const size_t n = relevance.size();
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (double r : relevance) {
    if (!std::isfinite(r))
      throw Error(ErrorCode::kInvalidArgument, "mmr relevance is NaN or infinite");
    lo = std::min(lo, r), hi = std::max(hi, r);
  }
  std::vector<double> rel(n, 1.0);
  if (hi > lo) {
    for (size_t i = 0; i < n; ++i) rel[i] = (relevance[i] - lo) / (hi - lo);
  }
  k = std::min(k, n);
  std::vector<size_t> picked;
  std::vector<bool> used(n, false);
  std::vector<double> max_sim(n, 0.0);  // highest similarity to any picked candidate
  while (picked.size() < k) {
    size_t best = n;
    double best_value = -std::numeric_limits<double>::infinity();
    for (size_t i = 0; i < n; ++i) {
      if (used[i]) continue;
      const double value = lambda * rel[i] - (1 - lambda) * (picked.empty() ? 0.0 : max_sim[i]);
      if (value > best_value) best_value = value, best = i;  // ties: earlier (better) candidate
    }
    used[best] = true;
    picked.push_back(best);
    for (size_t i = 0; i < n; ++i) {
      if (!used[i]) max_sim[i] = std::max(max_sim[i], similarity(best, i));
    }
  }
  return picked;
}

}  // namespace osprey
