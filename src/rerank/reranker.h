// The rerank cascade over a Collection: recall hits -> features -> learned ranker (top k2) ->
// externally computed scores such as a cross-encoder's (top k3) -> optional MMR diversification.
// Each stage keeps per-stage scores, and with explain every final score decomposes into a bias plus
// per-feature contributions. A time budget makes the ranker stage give up gracefully: the result
// is then the best ranking finished so far (the recall order), marked degraded with a reason.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "collection/collection.h"
#include "rerank/features.h"
#include "rerank/late_interaction.h"
#include "rerank/ranker.h"
#include "rerank/training.h"

namespace osprey {

struct RerankQuery {
  std::string text;
  std::optional<std::vector<float>> vector;  // for the dense feature
  std::optional<TokenMatrix> tokens;         // quantised query token vectors, for maxsim
};

// Feature definitions:
//   bm25          BM25 of the query text (0 when no term matches)
//   bm25_title    the same over the title field alone (field_bm25.h); bm25_body: the body alone
//   dense         similarity of the query vector and the document vector (the dense index metric)
//   maxsim        late-interaction MaxSim of query and document token vectors (cosines summed)
//   cross_encoder externally computed score (the cross-encoder stage); missing before it
//   log_length    log(1 + UTF-8 bytes of title and body)
//   freshness     2^(-age / half_life) from the metadata date field (ISO 8601 text or ms since
//   1970) popularity    smoothed click-through rate from recorded feedback (see feedback.h)
//   recall_score  the first stage's score (RRF in hybrid mode)
//   prf           BM25 of an expansion query made from the top recall hits (pseudo_relevance.h)
//   meta:<field>  a numeric (or boolean) metadata value
struct FeatureOptions {
  std::string date_field = "date";
  double half_life_days = 30;
  double now_ms = 0;             // 0: the current time
  double popularity_prior = 20;  // pseudo-views of the Bayesian average

  void validate() const;
};

struct RerankedHit {
  uint32_t slot = 0;
  double score = 0;
  std::string stage;                                         // the last stage that scored it
  std::vector<std::pair<std::string, double>> stage_scores;  // per stage, in cascade order
  std::vector<float> features;                               // raw values (NaN = missing)
  Ranker::Explanation explanation;                           // of `score`: bias + contributions
  std::vector<std::string> contribution_names;               // names of explanation.contributions
};

struct RerankOutcome {
  std::vector<RerankedHit> hits;
  std::vector<std::string> stages;  // stages that ran, in order
  bool degraded = false;
  std::string degraded_reason;
};

class Reranker {
 public:
  using Clock = std::chrono::steady_clock;

  explicit Reranker(const Collection& collection) : c_(collection) {}

  // Feature rows in candidate order. Refuses (INVALID_ARGUMENT) a feature this collection or query
  // cannot provide at all: dense without a dense index or query vector, maxsim without stored or
  // query token vectors. Values missing for single candidates are NaN. With a deadline, stops early
  // and returns false in `*finished` (rows not reached stay NaN).
  FeatureMatrix compute_features(const FeatureSet& features, const RerankQuery& query,
                                 const std::vector<SearchHit>& candidates,
                                 const FeatureOptions& options,
                                 std::optional<Clock::time_point> deadline = std::nullopt,
                                 bool* finished = nullptr) const;

  // Stage "ranker": scores every recall hit with `ranker` and keeps the best `k`. With budget_ms >
  // 0 and the budget spent before scoring finished, returns the recall order (degraded).
  RerankOutcome rank(const RerankQuery& query, const std::vector<SearchHit>& recall,
                     const Ranker& ranker, size_t k, const FeatureOptions& options,
                     double budget_ms) const;

  // The recall order as an outcome (no ranker stage).
  RerankOutcome from_recall(const std::vector<SearchHit>& recall, size_t k) const;

  // Stage "cross_encoder": `scores` are external scores of the first scores.size() hits (at most
  // hits.size(); each finite, else INVALID_ARGUMENT). If `ranker` uses the cross_encoder feature,
  // those hits are re-scored by the ranker with it filled in; otherwise their score becomes the
  // external score. Either way they are re-sorted and stay ahead of the hits not scored.
  void apply_external_scores(RerankOutcome& outcome, const std::vector<float>& scores,
                             const Ranker* ranker, const std::string& stage_name) const;

  // Reorders the first k hits by maximal marginal relevance; hits keep their scores.
  void diversify(RerankOutcome& outcome, double lambda, size_t k) const;

 private:
  const Collection& c_;
};

// A query with graded judgements (document id -> relevance), for training.
struct JudgedQuery {
  RerankQuery query;
  std::map<std::string, float> relevance;
};

// Runs `recall` (its text/vector replaced by each query's) and computes features of the hits;
// labels are the judgements (0 when not judged).
std::vector<TrainingQuery> build_training_set(const Collection& collection,
                                              const FeatureSet& features,
                                              const std::vector<JudgedQuery>& queries,
                                              const SearchRequest& recall,
                                              const FeatureOptions& options);

// A linear ranker with caller-given weights on raw (unstandardised) feature values.
Ranker manual_ranker(const FeatureSet& features, const std::vector<float>& weights);

// Parses an ISO 8601 date ("2024-05-01", "2024-05-01T12:30:00Z", "...+02:00") into ms since 1970;
// nullopt if it is not one.
std::optional<double> parse_iso_date_ms(const std::string& text);

}  // namespace osprey
