#include "fusion/score_fusion.h"

#include <cmath>
#include <unordered_map>

#include "core/error.h"

namespace osprey {

ScoreNormalization parse_score_normalization(const std::string& name) {
  if (name == "minmax" || name.empty()) return ScoreNormalization::kMinMax;
  if (name == "zscore") return ScoreNormalization::kZScore;
  if (name == "none") return ScoreNormalization::kNone;
  throw Error(ErrorCode::kInvalidArgument,
              "unknown score normalization '" + name + "': use 'minmax', 'zscore' or 'none'");
}

const char* score_normalization_name(ScoreNormalization n) {
  switch (n) {
    case ScoreNormalization::kMinMax:
      return "minmax";
    case ScoreNormalization::kZScore:
      return "zscore";
    case ScoreNormalization::kNone:
      return "none";
  }
  return "none";
}

void normalize_scores(std::vector<float>& scores, ScoreNormalization normalization) {
  for (float s : scores) {
    if (!std::isfinite(s)) {
      throw Error(ErrorCode::kInvalidArgument, "cannot normalise a score that is NaN or infinite");
    }
  }
  if (scores.empty() || normalization == ScoreNormalization::kNone) return;
  if (normalization == ScoreNormalization::kMinMax) {
    float lo = scores[0], hi = scores[0];
    for (float s : scores) lo = std::min(lo, s), hi = std::max(hi, s);
    const double range = double(hi) - double(lo);
    for (float& s : scores) s = range > 0 ? float((double(s) - lo) / range) : 1.0f;
    return;
  }
  double mean = 0;
  for (float s : scores) mean += s;
  mean /= double(scores.size());
  double var = 0;
  for (float s : scores) var += (s - mean) * (s - mean);
  const double sd = std::sqrt(var / double(scores.size()));
  for (float& s : scores) s = sd > 0 ? float((s - mean) / sd) : 0.0f;
}

std::vector<ScoredSlot> convex_combination(const std::vector<std::vector<ScoredSlot>>& lists,
                                           const std::vector<double>& weights,
                                           ScoreNormalization normalization, size_t top) {
  if (weights.size() != lists.size()) {
    throw Error(ErrorCode::kInvalidArgument, "convex combination needs one weight per list (" +
                                                 std::to_string(lists.size()) + " lists, " +
                                                 std::to_string(weights.size()) + " weights)");
  }
  double total = 0;
  for (double w : weights) {
    if (!std::isfinite(w) || w < 0) {
      throw Error(ErrorCode::kInvalidArgument, "fusion weights must be finite and >= 0");
    }
    total += w;
  }
  if (!(total > 0)) throw Error(ErrorCode::kInvalidArgument, "fusion weights are all 0");

  struct Entry {
    double score = 0;
    std::vector<bool> seen;
  };
  std::unordered_map<uint32_t, Entry> fused;
  std::vector<float> floor(lists.size(), 0.0f);
  for (size_t i = 0; i < lists.size(); ++i) {
    std::vector<float> scores;
    scores.reserve(lists[i].size());
    for (const auto& hit : lists[i]) scores.push_back(hit.score);
    normalize_scores(scores, normalization);
    floor[i] = scores.empty() ? 0.0f : *std::min_element(scores.begin(), scores.end());
    for (size_t r = 0; r < scores.size(); ++r) {
      Entry& e = fused[lists[i][r].slot];
      if (e.seen.empty()) e.seen.assign(lists.size(), false);
      if (e.seen[i]) continue;  // a slot listed twice counts once, at its better rank
      e.seen[i] = true;
      e.score += weights[i] / total * scores[r];
    }
  }
  std::vector<ScoredSlot> hits;
  hits.reserve(fused.size());
  for (auto& [slot, e] : fused) {
    for (size_t i = 0; i < lists.size(); ++i) {
      if (!e.seen[i]) e.score += weights[i] / total * floor[i];
    }
    hits.push_back({slot, float(e.score)});
  }
  keep_top_k(hits, top);
  return hits;
}

}  // namespace osprey
