#include "rerank/reranker.h"

#include <algorithm>
#include <cmath>
#include <unordered_set>

#include "core/error.h"
#include "rerank/field_bm25.h"
#include "rerank/mmr.h"
#include "rerank/pseudo_relevance.h"
#include "rerank/rerank_state.h"

namespace osprey {

namespace fn = feature_names;

void FeatureOptions::validate() const {
  if (!(half_life_days > 0) || !std::isfinite(half_life_days)) {
    throw Error(ErrorCode::kInvalidArgument, "halfLifeDays must be a finite number > 0");
  }
  if (!std::isfinite(now_ms)) throw Error(ErrorCode::kInvalidArgument, "now must be finite");
  if (!(popularity_prior >= 0) || !std::isfinite(popularity_prior)) {
    throw Error(ErrorCode::kInvalidArgument, "popularityPrior must be a finite number >= 0");
  }
}

std::optional<double> parse_iso_date_ms(const std::string& s) {
  auto digits = [&](size_t at, size_t n, int& out) {
    if (at + n > s.size()) return false;
    out = 0;
    for (size_t i = at; i < at + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
      out = out * 10 + (s[i] - '0');
    }
    return true;
  };
  int y, m, d, hh = 0, mm = 0, ss = 0;
  if (!digits(0, 4, y) || s.size() < 10 || s[4] != '-' || !digits(5, 2, m) || s[7] != '-' ||
      !digits(8, 2, d) || m < 1 || m > 12 || d < 1 || d > 31) {
    return std::nullopt;
  }
  size_t at = 10;
  double frac = 0, offset_min = 0;
  if (at < s.size() && (s[at] == 'T' || s[at] == ' ')) {
    if (!digits(at + 1, 2, hh) || s.size() < at + 6 || s[at + 3] != ':' || !digits(at + 4, 2, mm)) {
      return std::nullopt;
    }
    at += 6;
    if (at < s.size() && s[at] == ':') {
      if (!digits(at + 1, 2, ss)) return std::nullopt;
      at += 3;
      if (at < s.size() && s[at] == '.') {
        double scale = 0.1;
        for (++at; at < s.size() && s[at] >= '0' && s[at] <= '9'; ++at)
          frac += (s[at] - '0') * scale, scale /= 10;
      }
    }
    if (at < s.size() && s[at] == 'Z') {
      ++at;
    } else if (at < s.size() && (s[at] == '+' || s[at] == '-')) {
      int oh, om;
      if (!digits(at + 1, 2, oh) || s.size() < at + 6 || s[at + 3] != ':' ||
          !digits(at + 4, 2, om)) {
        return std::nullopt;
      }
      offset_min = (s[at] == '+' ? 1 : -1) * (oh * 60 + om);
      at += 6;
    }
    if (hh > 23 || mm > 59 || ss > 60) return std::nullopt;
  }
  if (at != s.size()) return std::nullopt;
  // Days from civil (proleptic Gregorian), Howard Hinnant's algorithm.
  const int yy = y - (m <= 2);
  const int era = (yy >= 0 ? yy : yy - 399) / 400;
  const unsigned yoe = unsigned(yy - era * 400);
  const unsigned doy = unsigned((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  const double days = double(era) * 146097 + double(doe) - 719468;
  return ((days * 24 + hh) * 60 + mm - offset_min) * 60000.0 + (ss + frac) * 1000.0;
}

namespace {

double now_ms_or(double configured) {
  if (configured != 0) return configured;
  using namespace std::chrono;
  return double(duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count());
}

float metadata_number(const nlohmann::json& metadata, const std::string& field) {
  auto it = metadata.find(field);
  if (it == metadata.end()) return NAN;
  if (it->is_number()) return it->get<float>();
  if (it->is_boolean()) return it->get<bool>() ? 1.0f : 0.0f;
  return NAN;
}

float freshness(const nlohmann::json& metadata, const FeatureOptions& o, double now) {
  auto it = metadata.find(o.date_field);
  if (it == metadata.end()) return NAN;
  std::optional<double> t;
  if (it->is_number())
    t = it->get<double>();
  else if (it->is_string())
    t = parse_iso_date_ms(it->get<std::string>());
  if (!t || !std::isfinite(*t)) return NAN;
  const double age_days = std::max(0.0, (now - *t) / 86400000.0);
  return float(std::exp2(-age_days / o.half_life_days));
}

}  // namespace

FeatureMatrix Reranker::compute_features(const FeatureSet& features, const RerankQuery& query,
                                         const std::vector<SearchHit>& candidates,
                                         const FeatureOptions& options,
                                         std::optional<Clock::time_point> deadline,
                                         bool* finished) const {
  features.validate();
  options.validate();
  const RerankState& state = c_.rerank_state();
  const bool has_dense_index = c_.options().dense.dimension > 0;
  for (const auto& name : features.names) {
    if (name == fn::kDense && !has_dense_index) {
      throw Error(ErrorCode::kInvalidArgument,
                  "the ranker uses the feature 'dense' but this collection has no dense index "
                  "(retrain it without 'dense', or open the collection with a dimension)");
    }
    if (name == fn::kDense && !query.vector) {
      throw Error(ErrorCode::kInvalidArgument,
                  "the ranker uses the feature 'dense': pass a query vector");
    }
    if (name == fn::kMaxSim && state.tokens.size() == 0) {
      throw Error(ErrorCode::kInvalidArgument,
                  "the ranker uses the feature 'maxsim' but this collection has no token vectors "
                  "(store them with setTokenVectors, or retrain without 'maxsim')");
    }
    if (name == fn::kMaxSim && !query.tokens) {
      throw Error(ErrorCode::kInvalidArgument,
                  "the ranker uses the feature 'maxsim': pass the query's token vectors");
    }
    if (name == fn::kMaxSim && query.tokens->count > 0 && query.tokens->dim != state.tokens.dim()) {
      throw Error(ErrorCode::kDimensionMismatch,
                  "query token vectors have " + std::to_string(query.tokens->dim) +
                      " dimensions; the collection's have " + std::to_string(state.tokens.dim()));
    }
  }
  const size_t n = candidates.size();
  FeatureMatrix x(n, features.size());
  if (finished) *finished = true;
  if (n == 0) return x;

  // First-stage scores: reuse the recall hit's, compute the rest for just those slots.
  std::vector<float> bm25(n, NAN), dense(n, NAN);
  const bool want_bm25 = features.index_of(fn::kBm25).has_value();
  const bool want_dense = features.index_of(fn::kDense).has_value();
  std::vector<uint32_t> need_sparse, need_dense;
  for (size_t i = 0; i < n; ++i) {
    if (candidates[i].sparse_score)
      bm25[i] = *candidates[i].sparse_score;
    else if (want_bm25)
      need_sparse.push_back(candidates[i].slot);
    if (candidates[i].dense_score)
      dense[i] = *candidates[i].dense_score;
    else if (want_dense)
      need_dense.push_back(candidates[i].slot);
  }
  if (!need_sparse.empty() || !need_dense.empty()) {
    SearchRequest r;
    r.text = query.text;
    r.vector = query.vector;
    auto scored = c_.score_slots(r, need_sparse, need_dense);
    std::unordered_map<uint32_t, float> sparse_by_slot, dense_by_slot;
    for (size_t i = 0; i < need_sparse.size(); ++i)
      sparse_by_slot[need_sparse[i]] = scored.sparse[i];
    for (size_t i = 0; i < need_dense.size(); ++i) dense_by_slot[need_dense[i]] = scored.dense[i];
    for (size_t i = 0; i < n; ++i) {
      if (std::isnan(bm25[i]) && sparse_by_slot.count(candidates[i].slot))
        bm25[i] = sparse_by_slot[candidates[i].slot];
      if (std::isnan(dense[i]) && dense_by_slot.count(candidates[i].slot))
        dense[i] = dense_by_slot[candidates[i].slot];
    }
  }

  auto per_field = [&](const char* name, Field field) {
    return features.index_of(name) ? field_bm25(c_, query.text, field, candidates)
                                   : std::vector<float>();
  };
  const std::vector<float> bm25_title = per_field(fn::kBm25Title, kTitle);
  const std::vector<float> bm25_body = per_field(fn::kBm25Body, kBody);
  const std::vector<float> prf =
      features.index_of(fn::kPrf) ? prf_scores(c_, candidates) : std::vector<float>();

  const double now = now_ms_or(options.now_ms);
  for (size_t i = 0; i < n; ++i) {
    if (deadline && (i % 16) == 0 && Clock::now() > *deadline) {
      if (finished) *finished = false;
      return x;
    }
    const StoredDocument& doc = c_.document(candidates[i].slot);
    for (size_t f = 0; f < features.size(); ++f) {
      const std::string& name = features.names[f];
      float v = NAN;
      if (name == fn::kBm25)
        v = bm25[i];
      else if (name == fn::kDense)
        v = dense[i];
      else if (name == fn::kMaxSim) {
        const TokenMatrix* doc_tokens = state.tokens.find(doc.id);
        if (doc_tokens) v = maxsim(*query.tokens, *doc_tokens);
      } else if (name == fn::kLogLength)
        v = float(std::log1p(double(doc.title.size() + doc.body.size())));
      else if (name == fn::kFreshness)
        v = freshness(doc.metadata, options, now);
      else if (name == fn::kPopularity)
        v = float(state.feedback.popularity(doc.id, options.popularity_prior));
      else if (name == fn::kRecallScore)
        v = candidates[i].score;
      else if (name == fn::kPrf)
        v = prf[i];
      else if (name == fn::kBm25Title)
        v = bm25_title[i];
      else if (name == fn::kBm25Body)
        v = bm25_body[i];
      else if (name.rfind(fn::kMetaPrefix, 0) == 0)
        v = metadata_number(doc.metadata, name.substr(5));
      // cross_encoder: filled in by the cross-encoder stage.
      x.at(i, f) = std::isfinite(v) ? v : NAN;
    }
  }
  return x;
}

namespace {

void sort_hits(std::vector<RerankedHit>::iterator begin, std::vector<RerankedHit>::iterator end) {
  std::stable_sort(begin, end, [](const RerankedHit& a, const RerankedHit& b) {
    return a.score > b.score;  // stable: ties keep the previous stage's order
  });
}

void explain_with(const Ranker& ranker, RerankedHit& hit) {
  hit.explanation = ranker.explain(hit.features.data());
  hit.contribution_names = ranker.features().names;
  hit.score = hit.explanation.score;
}

}  // namespace

RerankOutcome Reranker::from_recall(const std::vector<SearchHit>& recall, size_t k) const {
  RerankOutcome out;
  out.stages = {"recall"};
  for (size_t i = 0; i < std::min(k, recall.size()); ++i) {
    RerankedHit h;
    h.slot = recall[i].slot;
    h.score = recall[i].score;
    h.stage = "recall";
    h.stage_scores = {{"recall", recall[i].score}};
    h.explanation.score = recall[i].score;
    h.explanation.contributions = {recall[i].score};
    h.explanation.missing = {false};
    h.contribution_names = {fn::kRecallScore};
    out.hits.push_back(std::move(h));
  }
  return out;
}

RerankOutcome Reranker::rank(const RerankQuery& query, const std::vector<SearchHit>& recall,
                             const Ranker& ranker, size_t k, const FeatureOptions& options,
                             double budget_ms) const {
  if (!(budget_ms >= 0) || !std::isfinite(budget_ms)) {
    throw Error(ErrorCode::kInvalidArgument, "budgetMs must be a finite number >= 0");
  }
  std::optional<Clock::time_point> deadline;
  if (budget_ms > 0) {
    deadline = Clock::now() + std::chrono::microseconds(int64_t(budget_ms * 1000));
  }
  bool finished = true;
  FeatureMatrix x =
      compute_features(ranker.features(), query, recall, options, deadline, &finished);
  if (!finished) {
    RerankOutcome out = from_recall(recall, k);
    out.degraded = true;
    out.degraded_reason = "time budget of " + std::to_string(budget_ms) +
                          " ms spent while computing ranker features: recall order returned";
    return out;
  }
  normalize_per_query(x, ranker.query_normalization());
  RerankOutcome out;
  out.stages = {"recall", "ranker"};
  out.hits.reserve(recall.size());
  for (size_t i = 0; i < recall.size(); ++i) {
    RerankedHit h;
    h.slot = recall[i].slot;
    h.stage = "ranker";
    h.features.assign(x.row(i), x.row(i) + x.cols);
    explain_with(ranker, h);
    h.stage_scores = {{"recall", recall[i].score}, {"ranker", h.score}};
    out.hits.push_back(std::move(h));
  }
  sort_hits(out.hits.begin(), out.hits.end());
  if (out.hits.size() > k) out.hits.resize(k);
  return out;
}

void Reranker::apply_external_scores(RerankOutcome& outcome, const std::vector<float>& scores,
                                     const Ranker* ranker, const std::string& stage_name) const {
  if (scores.size() > outcome.hits.size()) {
    throw Error(ErrorCode::kInvalidArgument,
                std::to_string(scores.size()) + " " + stage_name + " scores for " +
                    std::to_string(outcome.hits.size()) + " candidates");
  }
  for (size_t i = 0; i < scores.size(); ++i) {
    if (!std::isfinite(scores[i])) {
      throw Error(ErrorCode::kInvalidArgument, stage_name + " score #" + std::to_string(i) +
                                                   " is NaN or infinite: the score provider "
                                                   "must return finite numbers");
    }
  }
  std::optional<size_t> slot_of_feature;
  if (ranker) slot_of_feature = ranker->features().index_of(fn::kCrossEncoder);
  std::vector<float> as_feature = scores;  // normalised over the scored hits like other features
  if (ranker) normalize_scores(as_feature, ranker->query_normalization());
  for (size_t i = 0; i < scores.size(); ++i) {
    RerankedHit& h = outcome.hits[i];
    if (slot_of_feature && h.features.size() == ranker->features().size()) {
      h.features[*slot_of_feature] = as_feature[i];
      explain_with(*ranker, h);
    } else {
      h.score = scores[i];
      h.explanation = Ranker::Explanation{};
      h.explanation.score = scores[i];
      h.explanation.contributions = {scores[i]};
      h.explanation.missing = {false};
      h.contribution_names = {fn::kCrossEncoder};
    }
    h.stage = stage_name;
    h.stage_scores.emplace_back(stage_name, scores[i]);
  }
  sort_hits(outcome.hits.begin(), outcome.hits.begin() + long(scores.size()));
  outcome.stages.push_back(stage_name);
}

void Reranker::diversify(RerankOutcome& outcome, double lambda, size_t k) const {
  const size_t n = std::min(k, outcome.hits.size());
  if (n < 2) {
    if (!(lambda >= 0 && lambda <= 1))
      throw Error(ErrorCode::kInvalidArgument, "mmr lambda must be in [0, 1]");
    outcome.stages.push_back("mmr");
    return;
  }
  // Similarity: cosine of mean token vectors when both documents have them, else the Jaccard
  // overlap of their analysed terms.
  const RerankState& state = c_.rerank_state();
  std::vector<std::vector<float>> means(n);
  std::vector<std::unordered_set<std::string>> terms(n);
  for (size_t i = 0; i < n; ++i) {
    const StoredDocument& doc = c_.document(outcome.hits[i].slot);
    if (const TokenMatrix* t = state.tokens.find(doc.id); t && t->count > 0) {
      std::vector<float> m(t->dim, 0.0f);
      for (size_t j = 0; j < t->count; ++j) {
        for (size_t d = 0; d < t->dim; ++d) m[d] += float(t->token(j)[d]) * t->scales[j];
      }
      double norm = 0;
      for (float v : m) norm += double(v) * v;
      if (norm > 0) {
        for (float& v : m) v = float(v / std::sqrt(norm));
        means[i] = std::move(m);
      }
    }
    for (const auto& tok : c_.analyzer().analyze(doc.title + "\n" + doc.body))
      terms[i].insert(tok.term);
  }
  auto similarity = [&](size_t a, size_t b) -> double {
    if (!means[a].empty() && !means[b].empty()) {
      double s = 0;
      for (size_t d = 0; d < means[a].size(); ++d) s += double(means[a][d]) * means[b][d];
      return s;
    }
    if (terms[a].empty() || terms[b].empty()) return 0;
    size_t common = 0;
    for (const auto& t : terms[a]) common += terms[b].count(t);
    return double(common) / double(terms[a].size() + terms[b].size() - common);
  };
  std::vector<double> relevance(n);
  for (size_t i = 0; i < n; ++i) relevance[i] = outcome.hits[i].score;
  auto order = mmr_order(relevance, similarity, lambda, n);
  std::vector<RerankedHit> reordered;
  reordered.reserve(outcome.hits.size());
  for (size_t i : order) reordered.push_back(std::move(outcome.hits[i]));
  for (size_t i = n; i < outcome.hits.size(); ++i) reordered.push_back(std::move(outcome.hits[i]));
  outcome.hits = std::move(reordered);
  outcome.stages.push_back("mmr");
}

std::vector<TrainingQuery> build_training_set(const Collection& collection,
                                              const FeatureSet& features,
                                              const std::vector<JudgedQuery>& queries,
                                              const SearchRequest& recall,
                                              const FeatureOptions& options) {
  Reranker reranker(collection);
  std::vector<TrainingQuery> out;
  out.reserve(queries.size());
  for (const auto& q : queries) {
    SearchRequest r = recall;
    r.text = q.query.text;
    r.vector = q.query.vector;
    auto hits = collection.search(r);
    TrainingQuery tq;
    tq.features = reranker.compute_features(features, q.query, hits, options);
    tq.labels.reserve(hits.size());
    for (const auto& h : hits) {
      auto it = q.relevance.find(collection.document(h.slot).id);
      tq.labels.push_back(it == q.relevance.end() ? 0.0f : it->second);
    }
    out.push_back(std::move(tq));
  }
  return out;
}

Ranker manual_ranker(const FeatureSet& features, const std::vector<float>& weights) {
  features.validate();
  if (weights.size() != features.size()) {
    throw Error(ErrorCode::kInvalidArgument, "one weight per feature is needed");
  }
  for (float w : weights) {
    if (!std::isfinite(w))
      throw Error(ErrorCode::kInvalidArgument, "ranker weights must be finite");
  }
  Ranker r(RankerKind::kLinear, features, std::vector<float>(features.size(), 0.0f),
           std::vector<float>(features.size(), 1.0f));
  r.weights() = weights;
  r.set_loss("manual");
  return r;
}

}  // namespace osprey
