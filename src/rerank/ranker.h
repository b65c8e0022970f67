// A learned scoring function over a FeatureSet: a linear model or a small ensemble of regression
// trees (LambdaMART-style). Features are standardised with the training mean and deviation, and a
// missing value (NaN) takes the training mean, so it contributes nothing. Every score decomposes
// exactly into a bias plus one contribution per feature (for trees by path attribution, Saabas
// 2014), which is what explain output shows.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/byte_io.h"
#include "fusion/score_fusion.h"
#include "rerank/features.h"

namespace osprey {

enum class RankerKind : uint8_t { kLinear = 0, kTrees = 1 };
RankerKind parse_ranker_kind(const std::string& name);  // "linear" | "trees"
const char* ranker_kind_name(RankerKind kind);

struct RegressionTree {
  struct Node {
    int32_t feature = -1;  // -1: leaf
    float threshold = 0;   // standardised value; x <= threshold goes left
    uint32_t left = 0, right = 0;
    float value = 0;  // the node's output if it were a leaf (already scaled by the shrinkage)
  };
  std::vector<Node> nodes;  // nodes[0] is the root

  // Adds the root value to `bias` and each split's change of value to its feature's entry.
  void attribute(const float* z, double& bias, double* contributions) const;
};

class Ranker {
 public:
  struct Explanation {
    double score = 0;
    double bias = 0;
    std::vector<double> contributions;  // one per feature; bias + sum = score
    std::vector<bool> missing;          // the feature was missing and took the training mean
  };

  Ranker() = default;
  Ranker(RankerKind kind, FeatureSet features, std::vector<float> mean, std::vector<float> inv_std);

  RankerKind kind() const { return kind_; }
  const FeatureSet& features() const { return features_; }
  const std::string& loss() const { return loss_; }
  void set_loss(std::string loss) { loss_ = std::move(loss); }
  // Per-query normalisation of each feature over a query's candidates (LETOR's QueryLevelNorm),
  // applied before standardisation, in training and scoring alike: BM25's scale varies by query.
  ScoreNormalization query_normalization() const { return query_norm_; }
  void set_query_normalization(ScoreNormalization n) { query_norm_ = n; }

  // Standardised values of a raw row (missing -> 0).
  void standardize(const float* raw, float* z) const;
  double score(const float* raw) const;
  Explanation explain(const float* raw) const;

  // Linear parameters (kLinear), on standardised features.
  std::vector<float>& weights() { return weights_; }
  const std::vector<float>& weights() const { return weights_; }
  float& bias() { return bias_; }
  // Tree ensemble (kTrees).
  std::vector<RegressionTree>& trees() { return trees_; }
  const std::vector<RegressionTree>& trees() const { return trees_; }

  void save(ByteWriter& out) const;
  static Ranker load(ByteReader& in);
  bool operator==(const Ranker& o) const;

 private:
  RankerKind kind_ = RankerKind::kLinear;
  FeatureSet features_;
  std::vector<float> mean_, inv_std_;  // inv_std 0: a feature that was constant in training
  std::vector<float> weights_;
  float bias_ = 0;
  std::vector<RegressionTree> trees_;
  std::string loss_;
  ScoreNormalization query_norm_ = ScoreNormalization::kNone;
};

// Normalises each column of `x` over its rows (one query's candidates); NaN (missing) stays NaN.
void normalize_per_query(FeatureMatrix& x, ScoreNormalization normalization);

}  // namespace osprey
