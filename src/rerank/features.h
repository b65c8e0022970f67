// Named features per candidate. A FeatureSet travels with a trained ranker, so scoring can check
// that it computes exactly the features the ranker was trained on, in the same order.
#pragma once

#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "core/byte_io.h"

namespace osprey {

// Features the reranker knows how to compute (see reranker.h for their definitions); metadata
// features are named "meta:<field>" (a numeric metadata value, or a boolean as 0/1).
namespace feature_names {
inline constexpr const char* kBm25 = "bm25";
inline constexpr const char* kBm25Title = "bm25_title";
inline constexpr const char* kBm25Body = "bm25_body";
inline constexpr const char* kDense = "dense";
inline constexpr const char* kMaxSim = "maxsim";
inline constexpr const char* kCrossEncoder = "cross_encoder";
inline constexpr const char* kLogLength = "log_length";
inline constexpr const char* kFreshness = "freshness";
inline constexpr const char* kPopularity = "popularity";
inline constexpr const char* kRecallScore = "recall_score";
inline constexpr const char* kPrf = "prf";
inline constexpr const char* kMetaPrefix = "meta:";
}  // namespace feature_names

struct FeatureSet {
  std::vector<std::string> names;

  size_t size() const { return names.size(); }
  std::optional<size_t> index_of(const std::string& name) const;
  // Names must be known (see feature_names), unique, and at least one (INVALID_ARGUMENT).
  void validate() const;
  bool operator==(const FeatureSet& o) const { return names == o.names; }
  std::string describe() const;  // "[bm25, dense]"

  void save(ByteWriter& out) const;
  static FeatureSet load(ByteReader& in);
};

// Row-major candidates x features; NaN marks a value missing for that candidate.
struct FeatureMatrix {
  size_t rows = 0;
  size_t cols = 0;
  std::vector<float> values;

  FeatureMatrix() = default;
  FeatureMatrix(size_t r, size_t c)
      : rows(r), cols(c), values(r * c, std::numeric_limits<float>::quiet_NaN()) {}
  float& at(size_t r, size_t c) { return values[r * cols + c]; }
  float at(size_t r, size_t c) const { return values[r * cols + c]; }
  const float* row(size_t r) const { return values.data() + r * cols; }
};

inline bool is_missing(float v) {
  return std::isnan(v);
}

}  // namespace osprey
