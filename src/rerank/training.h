// Learning to rank from graded judgements: pairwise RankNet (Burges et al., ICML 2005) and listwise
// ListNet (Cao et al., ICML 2007; reported as KL divergence so that a perfect fit is 0) losses, for
// a linear model (Adam on the loss) or a boosted tree ensemble that fits each tree to the loss's
// gradients with Newton leaf values, with pairs weighted by the change in nDCG of swapping them as
// in LambdaMART (Burges, MSR-TR-2010-82).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "rerank/features.h"
#include "rerank/ranker.h"

namespace osprey {

enum class RankLoss : uint8_t { kPairwise = 0, kListwise = 1 };
RankLoss parse_rank_loss(const std::string& name);  // "pairwise" (RankNet) | "listwise" (ListNet)
const char* rank_loss_name(RankLoss loss);

// One query's candidates: features (NaN = missing) and graded relevance (0 = not relevant).
struct TrainingQuery {
  FeatureMatrix features;
  std::vector<float> labels;
};

struct TrainOptions {
  RankerKind kind = RankerKind::kLinear;
  RankLoss loss = RankLoss::kPairwise;
  uint32_t epochs = 300;        // linear: full-batch Adam steps
  double learning_rate = 0.05;  // linear: Adam step size
  double l2 = 1e-3;             // linear: weight decay on standardised weights
  uint32_t trees = 100;         // trees: boosting rounds
  uint32_t max_depth = 3;       // trees: depth limit (8 leaves)
  uint32_t min_leaf = 10;       // trees: fewest candidates in a leaf
  double shrinkage = 0.1;       // trees: learning rate per tree
  // Pairwise: weight each pair's gradient by the |delta nDCG| of swapping it (LambdaRank /
  // LambdaMART). Unset: on for trees, off for the linear model.
  std::optional<bool> lambda_weighting;
  ScoreNormalization query_normalization = ScoreNormalization::kNone;  // see Ranker

  void validate() const;  // INVALID_ARGUMENT for out-of-range values
};

struct TrainReport {
  std::vector<double> loss_history;  // before training, then after each epoch or tree
  size_t queries_used = 0;           // queries with at least two relevance grades
  size_t queries_skipped = 0;        // queries that cannot teach an order (all labels equal)
  size_t candidates = 0;
};

// Trains a ranker over `features`. Refuses with INVALID_ARGUMENT: matrices whose shape disagrees
// with the feature set or labels, infinite feature values, negative or NaN labels, no query with
// two different labels, or a feature missing for every candidate.
Ranker train_ranker(const FeatureSet& features, const std::vector<TrainingQuery>& queries,
                    const TrainOptions& options, TrainReport& report);

// The loss of `ranker` on `queries` (same definition as training reports; pairwise = RankNet).
double ranking_loss(const Ranker& ranker, const std::vector<TrainingQuery>& queries, RankLoss loss);

// nDCG@k of scores against labels (gains 2^rel - 1, log2 discounts); 0 when nothing is relevant.
double ndcg_at(const std::vector<double>& scores, const std::vector<float>& labels, size_t k);

}  // namespace osprey
