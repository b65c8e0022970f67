// Convex combination of first-stage lists whose scores live on different scales (BM25 is unbounded,
// cosine is in [-1, 1]): each list is normalised per query, then mixed with weights that sum to 1.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/scored.h"

namespace osprey {

enum class ScoreNormalization : uint8_t { kNone = 0, kMinMax = 1, kZScore = 2 };  // stored values

// "none" | "minmax" | "zscore"
ScoreNormalization parse_score_normalization(const std::string& name);
const char* score_normalization_name(ScoreNormalization n);

// Normalises `scores` in place. Min-max maps to [0, 1]; a constant list maps to all 1 (every entry
// is the best). Z-score subtracts the mean and divides by the standard deviation; a constant list
// maps to all 0. Non-finite scores are refused with INVALID_ARGUMENT.
void normalize_scores(std::vector<float>& scores, ScoreNormalization normalization);

// score(d) = sum_i w_i * norm_i(d) / sum_i w_i. A document absent from list i gets that list's
// lowest normalised score (0 under min-max): it was not retrieved, so it ranks with the worst.
// Weights must be finite, >= 0 and not all 0 (INVALID_ARGUMENT otherwise); one weight per list.
std::vector<ScoredSlot> convex_combination(const std::vector<std::vector<ScoredSlot>>& lists,
                                           const std::vector<double>& weights,
                                           ScoreNormalization normalization, size_t top);

}  // namespace osprey
