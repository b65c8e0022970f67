#include <cmath>

#include "collection/collection.h"
#include "rerank/rerank_state.h"
#include "rerank/reranker.h"
#include "test_util.h"

using namespace osprey;

namespace {

DocumentInput doc(std::string id, std::string title, std::string body, std::string metadata = "") {
  return DocumentInput{std::move(id), std::move(title), std::move(body), std::move(metadata), {}};
}

Collection fixture() {
  Collection c(CollectionOptions{});
  c.add({doc("wing", "Wing lift", "The lift of a swept wing in a slipstream.",
             R"({"date":"2026-11-01","stars":4})"),
         doc("wing2", "Wing lift again", "Lift of a wing, lift of a wing.",
             R"({"date":"2020-01-01","stars":1})"),
         doc("heat", "Heat transfer", "Heat transfer in boundary layers of a wing at high speed.",
             R"({"stars":5})"),
         doc("boundary", "", "Boundary layer separation on a wing.", R"({"date":1700000000000})")});
  // Token vectors: 2-d "words"; wing-ish documents point along x.
  auto put = [&](const std::string& id, std::vector<float> v) {
    c.rerank_state().tokens.put(id, quantize_tokens(v.data(), v.size() / 2, 2, true, id));
  };
  put("wing", {1, 0, 0.9f, 0.1f});
  put("wing2", {1, 0.1f});
  put("heat", {0, 1, 0.1f, 1});
  return c;
}

RerankQuery wing_query() {
  RerankQuery q;
  q.text = "wing lift";
  const float t[] = {1, 0, 0.8f, 0.2f};
  q.tokens = quantize_tokens(t, 2, 2, true, "query");
  return q;
}

std::vector<SearchHit> recall(const Collection& c, const std::string& text, size_t k = 10) {
  SearchRequest r;
  r.text = text;
  r.k = k;
  return c.search(r);
}

}  // namespace

TEST_CASE("rerank cascade: features from the collection") {
  Collection c = fixture();
  c.rerank_state().feedback.record("wing lift", "wing2", 1);
  Reranker reranker(c);
  FeatureSet fs{
      {"bm25", "maxsim", "log_length", "freshness", "popularity", "meta:stars", "recall_score"}};
  auto hits = recall(c, "wing lift");
  REQUIRE(hits.size() == 4);
  FeatureOptions o;
  o.now_ms = *parse_iso_date_ms("2026-11-11");
  o.half_life_days = 10;
  auto x = reranker.compute_features(fs, wing_query(), hits, o);
  for (size_t i = 0; i < hits.size(); ++i) {
    const std::string& id = c.document(hits[i].slot).id;
    CAPTURE(id);
    CHECK(x.at(i, 0) == doctest::Approx(*hits[i].sparse_score));
    CHECK(x.at(i, 6) == doctest::Approx(hits[i].score));
    if (id == "wing") {
      CHECK(x.at(i, 3) == doctest::Approx(0.5));  // 10 days old, half-life 10 days
      CHECK(x.at(i, 5) == 4);
      CHECK(x.at(i, 1) == doctest::Approx(2.0).epsilon(0.02));  // both query tokens matched
    }
    if (id == "boundary") {
      CHECK(std::isnan(x.at(i, 1)));   // no token vectors
      CHECK(std::isnan(x.at(i, 5)));   // no stars
      CHECK(!std::isnan(x.at(i, 3)));  // numeric date (ms)
    }
    if (id == "heat") CHECK(std::isnan(x.at(i, 3)));
  }
  // bm25 for candidates that did not come from the sparse stage is computed for those slots.
  std::vector<SearchHit> bare = hits;
  for (auto& h : bare) h.sparse_score.reset();
  auto y = reranker.compute_features(FeatureSet{{"bm25"}}, wing_query(), bare, o);
  for (size_t i = 0; i < hits.size(); ++i)
    CHECK(y.at(i, 0) == doctest::Approx(*hits[i].sparse_score));
  CHECK(parse_iso_date_ms("1970-01-02T00:00:00Z") == 86400000.0);
  CHECK(parse_iso_date_ms("1970-01-01T01:00:00+01:00") == 0.0);
  CHECK(!parse_iso_date_ms("yesterday"));
}

TEST_CASE("rerank cascade: train from feedback, rank, explain, cross-encoder, budget, reload") {
  Collection c = fixture();
  // "wing2" is what users want for "wing lift".
  for (int i = 0; i < 3; ++i) c.rerank_state().feedback.record("wing lift", "wing2", 1);
  c.rerank_state().feedback.record("wing lift", "wing", 0);
  c.rerank_state().feedback.record("boundary wing", "boundary", 1);
  std::vector<JudgedQuery> judged;
  for (const auto& [q, rel] : c.rerank_state().feedback.judgements()) {
    JudgedQuery jq;
    jq.query = wing_query();
    jq.query.text = q;
    jq.relevance = rel;
    judged.push_back(jq);
  }
  FeatureSet fs{{"bm25", "maxsim", "log_length", "popularity"}};
  SearchRequest recall_template;
  recall_template.k = 10;
  auto data = build_training_set(c, fs, judged, recall_template, FeatureOptions{});
  REQUIRE(data.size() == 2);
  TrainOptions o;
  o.min_leaf = 1;
  TrainReport report;
  Ranker ranker = train_ranker(fs, data, o, report);
  CHECK(report.loss_history.back() < report.loss_history.front());
  c.rerank_state().ranker = ranker;

  Reranker reranker(c);
  auto hits = recall(c, "wing lift");
  auto out = reranker.rank(wing_query(), hits, ranker, 3, FeatureOptions{}, 0);
  REQUIRE(out.hits.size() == 3);
  CHECK(!out.degraded);
  CHECK(c.document(out.hits[0].slot).id == "wing2");
  for (const auto& h : out.hits) {
    double sum = h.explanation.bias;
    for (double v : h.explanation.contributions) sum += v;
    CHECK(sum == doctest::Approx(h.score).epsilon(1e-9));
    CHECK(h.contribution_names == fs.names);
    CHECK(h.stage_scores.size() == 2);
  }

  // Cross-encoder scores for the top 2: the ranker has no cross_encoder weight (never seen), so
  // scores are replaced and reordered; hit 3 keeps its ranker score and place.
  const uint32_t third = out.hits[2].slot;
  reranker.apply_external_scores(out, {0.1f, 0.9f}, nullptr, "cross_encoder");
  CHECK(out.hits[0].score == doctest::Approx(0.9));
  CHECK(out.hits[0].stage == "cross_encoder");
  CHECK(out.hits[2].slot == third);
  CHECK(out.stages.back() == "cross_encoder");
  CHECK_OSPREY_ERROR(reranker.apply_external_scores(out, {NAN}, nullptr, "cross_encoder"),
                     ErrorCode::kInvalidArgument);
  CHECK_OSPREY_ERROR(reranker.apply_external_scores(out, {1, 2, 3, 4}, nullptr, "cross_encoder"),
                     ErrorCode::kInvalidArgument);
  reranker.diversify(out, 0.5, 3);
  CHECK(out.hits.size() == 3);

  // A budget that is spent at once: the recall order, said so.
  auto hurried = reranker.rank(wing_query(), hits, ranker, 3, FeatureOptions{}, 1e-9);
  CHECK(hurried.degraded);
  CHECK(!hurried.degraded_reason.empty());
  REQUIRE(hurried.hits.size() == 3);
  CHECK(hurried.hits[0].slot == hits[0].slot);

  // Empty candidate list.
  auto none = reranker.rank(wing_query(), {}, ranker, 3, FeatureOptions{}, 0);
  CHECK(none.hits.empty());

  // Saved with the collection and reloaded identically.
  auto bytes = c.serialize();
  Collection back = Collection::deserialize(bytes.data(), bytes.size());
  REQUIRE(back.rerank_state().ranker.has_value());
  CHECK(*back.rerank_state().ranker == ranker);
  CHECK(back.rerank_state().feedback.size() == c.rerank_state().feedback.size());
  CHECK(back.rerank_state().tokens.size() == 3);
  Reranker again(back);
  auto out2 = again.rank(wing_query(), recall(back, "wing lift"), ranker, 3, FeatureOptions{}, 0);
  REQUIRE(out2.hits.size() == 3);
  for (size_t i = 0; i < 3; ++i)
    CHECK(out2.hits[i].score ==
          reranker.rank(wing_query(), hits, ranker, 3, FeatureOptions{}, 0).hits[i].score);

  // Deleting a document drops its token vectors.
  c.remove({"heat"});
  CHECK(c.rerank_state().tokens.find("heat") == nullptr);
}

TEST_CASE("rerank cascade: a ranker that needs what the collection lacks is refused") {
  Collection c = fixture();
  Reranker reranker(c);
  auto hits = recall(c, "wing");
  Ranker dense_ranker = manual_ranker(FeatureSet{{"dense"}}, {1});
  CHECK_OSPREY_ERROR(reranker.rank(wing_query(), hits, dense_ranker, 3, FeatureOptions{}, 0),
                     ErrorCode::kInvalidArgument);
  RerankQuery no_tokens;
  no_tokens.text = "wing";
  Ranker maxsim_ranker = manual_ranker(FeatureSet{{"maxsim"}}, {1});
  CHECK_OSPREY_ERROR(reranker.rank(no_tokens, hits, maxsim_ranker, 3, FeatureOptions{}, 0),
                     ErrorCode::kInvalidArgument);
  Collection bare(CollectionOptions{});
  bare.add({doc("a", "wing", "wing")});
  CHECK_OSPREY_ERROR(Reranker(bare).rank(wing_query(), recall(bare, "wing"), maxsim_ranker, 3,
                                         FeatureOptions{}, 0),
                     ErrorCode::kInvalidArgument);
  RerankQuery wrong_dim = wing_query();
  const float t3[] = {1, 0, 0};
  wrong_dim.tokens = quantize_tokens(t3, 1, 3, true, "q");
  CHECK_OSPREY_ERROR(reranker.rank(wrong_dim, hits, maxsim_ranker, 3, FeatureOptions{}, 0),
                     ErrorCode::kDimensionMismatch);
  CHECK_OSPREY_ERROR(manual_ranker(FeatureSet{{"bm25"}}, {NAN}), ErrorCode::kInvalidArgument);
  CHECK_OSPREY_ERROR(reranker.rank(wing_query(), hits, manual_ranker(FeatureSet{{"bm25"}}, {1}), 3,
                                   FeatureOptions{}, -1),
                     ErrorCode::kInvalidArgument);
  // Manual weights: score = 2 * bm25 exactly, and the explanation says so.
  auto out = reranker.rank(wing_query(), hits, manual_ranker(FeatureSet{{"bm25"}}, {2}), 10,
                           FeatureOptions{}, 0);
  for (const auto& h : out.hits) {
    CHECK(h.score == doctest::Approx(2 * h.features[0]));
    CHECK(h.explanation.contributions[0] == doctest::Approx(h.score));
  }
}
