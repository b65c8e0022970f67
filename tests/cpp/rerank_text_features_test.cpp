// The prf and per-field BM25 rerank features.
#include <algorithm>

#include "collection/collection.h"
#include "rerank/pseudo_relevance.h"
#include "rerank/reranker.h"
#include "test_util.h"

using namespace osprey;

namespace {

DocumentInput doc(std::string id, std::string body) {
  return DocumentInput{std::move(id), "", std::move(body), "", {}};
}

std::vector<SearchHit> recall(const Collection& c, const std::string& text) {
  SearchRequest r;
  r.text = text;
  r.k = 100;
  return c.search(r);
}

float value_of(const std::vector<SearchHit>& hits, const std::vector<float>& scores,
               const Collection& c, const std::string& id) {
  for (size_t i = 0; i < hits.size(); ++i) {
    if (c.document(hits[i].slot).id == id) return scores[i];
  }
  FAIL("no hit " << id);
  return -1;
}

}  // namespace

TEST_CASE("rerank prf: candidates sharing the top hits' vocabulary score, others do not") {
  Collection c(CollectionOptions{});
  // The query word "glider" is in g1 and g2, which also talk of thermals and soaring; "soar" does
  // not contain the query word but shares that vocabulary; "glider-ad" contains the query word once
  // among unrelated words; "cake" shares nothing with the gliding texts.
  c.add({doc("g1", "glider pilots use thermals for soaring flight"),
         doc("g2", "a glider climbs in thermals; soaring over ridges"),
         doc("soar", "soaring in thermals along the ridges"),
         doc("glider-ad", "glider toy sale, cheap plastic"),
         doc("cake", "chocolate cake recipe with plastic wrap")});
  auto hits = recall(c, "glider");
  REQUIRE(hits.size() == 3);  // g1, g2, glider-ad: only they contain the query word
  // Add candidates that this recall did not find, as a hybrid recall would, with score 0.
  for (SearchHit extra : recall(c, "ridges cake")) {
    const std::string& id = c.document(extra.slot).id;
    if (id != "soar" && id != "cake") continue;
    extra.score = 0;
    hits.push_back(extra);
  }
  REQUIRE(hits.size() == 5);
  // The feedback documents are the first candidates: put g1 and g2 first, as a recall that ranked
  // them best would (BM25 alone prefers the short "glider-ad").
  const std::vector<std::string> order = {"g1", "g2", "glider-ad", "soar", "cake"};
  std::sort(hits.begin(), hits.end(), [&](const SearchHit& a, const SearchHit& b) {
    auto rank = [&](const SearchHit& h) {
      return std::find(order.begin(), order.end(), c.document(h.slot).id) - order.begin();
    };
    return rank(a) < rank(b);
  });
  for (size_t i = 0; i < hits.size(); ++i) hits[i].score = float(hits.size() - i);
  PrfOptions options;
  options.feedback_docs = 2;
  const auto scores = prf_scores(c, hits, options);
  REQUIRE(scores.size() == hits.size());
  // The expansion terms come from g1 and g2 (thermals, soaring, ... and glider itself).
  CHECK(value_of(hits, scores, c, "soar") > 0);
  CHECK(value_of(hits, scores, c, "cake") == 0);
  CHECK(value_of(hits, scores, c, "soar") > value_of(hits, scores, c, "glider-ad"));
  CHECK(value_of(hits, scores, c, "g1") > value_of(hits, scores, c, "glider-ad"));
  // Deterministic: the same candidates give the same values.
  CHECK(prf_scores(c, hits, options) == scores);

  // As a ranker feature: computed for every candidate, finite.
  Reranker reranker(c);
  FeatureSet fs{{"bm25", "prf"}};
  fs.validate();
  FeatureMatrix x = reranker.compute_features(fs, RerankQuery{"glider", {}, {}}, hits, {});
  REQUIRE(x.rows == hits.size());
  for (size_t i = 0; i < x.rows; ++i) CHECK(std::isfinite(x.at(i, 1)));
}

TEST_CASE("rerank prf: empty candidate lists and no feedback terms give zeros") {
  Collection c(CollectionOptions{});
  c.add({doc("a", "the of and"), doc("b", "wind")});
  CHECK(prf_scores(c, {}).empty());
  auto hits = recall(c, "wind");
  REQUIRE(hits.size() == 1);
  PrfOptions none;
  none.terms = 0;
  CHECK(prf_scores(c, hits, none) == std::vector<float>{0.0f});
}

TEST_CASE("rerank bm25_title / bm25_body: BM25 of the query over one field") {
  Collection c(CollectionOptions{});
  c.add({DocumentInput{"t", "Glider pilots", "weather reports", "", {}},
         DocumentInput{"b", "Weather", "a glider in the clouds", "", {}},
         DocumentInput{"both", "Glider", "glider glider", "", {}}});
  SearchRequest r;
  r.text = "glider";
  r.k = 10;
  const auto hits = c.search(r);
  REQUIRE(hits.size() == 3);
  Reranker reranker(c);
  FeatureSet fs{{"bm25", "bm25_title", "bm25_body"}};
  FeatureMatrix x = reranker.compute_features(fs, RerankQuery{"glider", {}, {}}, hits, {});
  for (size_t i = 0; i < hits.size(); ++i) {
    const std::string& id = c.document(hits[i].slot).id;
    const float title = x.at(i, 1), body = x.at(i, 2);
    if (id == "b") CHECK(title == 0);  // no title match
    if (id == "t") CHECK(body == 0);   // no body match
    if (id == "t") CHECK(title > 0);
    if (id == "b") CHECK(body > 0);
    if (id == "both") CHECK((title > 0 && body > 0));
  }
  // A clause restricted to the other field contributes nothing; exclusions still apply.
  FeatureMatrix y =
      reranker.compute_features(fs, RerankQuery{"body:glider -clouds", {}, {}}, hits, {});
  for (size_t i = 0; i < hits.size(); ++i) {
    const std::string& id = c.document(hits[i].slot).id;
    CHECK(y.at(i, 1) == 0);
    if (id == "b") CHECK(y.at(i, 2) == 0);  // excluded by -clouds
    if (id == "both") CHECK(y.at(i, 2) > 0);
  }
}
