// Dense search through the Collection: JSON filters inside the HNSW walk, deletes and upserts
// with slot reuse, large batches built in parallel, int8 options in the saved format, bad input.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <thread>

#include "collection/collection.h"
#include "dense/hnsw_index.h"
#include "dense_test_data.h"
#include "test_util.h"

using namespace osprey;

namespace {

DocumentInput vector_doc(const std::string& id, std::vector<float> v,
                         const std::string& metadata = "") {
  return DocumentInput{id, "", "", metadata, std::move(v)};
}

CollectionOptions dense_options(uint32_t dim, Quantization q = Quantization::kNone,
                                bool keep = false) {
  CollectionOptions o;
  o.dense.dimension = dim;
  o.dense.hnsw.ef_construction = 100;
  o.dense.quantization = q;
  o.dense.keep_float = keep;
  return o;
}

SearchRequest dense_query(std::vector<float> v, size_t k, std::string filter = "") {
  SearchRequest r;
  r.vector = std::move(v);
  r.k = k;
  r.mode = SearchMode::kDense;
  r.filter_json = std::move(filter);
  return r;
}

// 3000 documents with metadata {"group": i % 100, "even": i % 2 == 0}.
Collection filled(CollectionOptions options, std::mt19937& rng) {
  Collection c(options);
  std::vector<DocumentInput> docs;
  for (int i = 0; i < 3000; ++i) {
    docs.push_back(vector_doc(
        "d" + std::to_string(i), test::random_vector(rng, options.dense.dimension),
        "{\"group\":" + std::to_string(i % 100) + ",\"even\":" + (i % 2 ? "false" : "true") + "}"));
  }
  c.add(std::move(docs));
  return c;
}

// The documents a collection should hold (id -> vector), checked against it: recall@10 of its
// dense search against exact search over `expected`, each id found by its own vector (ef 200)
// but for at most `max_missing`, and no other id (deleted ones) ever returned.
void check_matches(const Collection& c, const std::map<std::string, std::vector<float>>& expected,
                   const std::vector<std::vector<float>>& queries, size_t max_missing = 0) {
  REQUIRE(c.vector_count() == expected.size());
  REQUIRE(c.size() == expected.size());
  const size_t dim = queries.at(0).size();
  double recall = 0;
  for (const auto& q : queries) {
    std::vector<std::pair<float, std::string>> exact;
    for (const auto& [id, v] : expected) {
      exact.emplace_back(distance_between(Metric::kCosine, q.data(), v.data(), dim), id);
    }
    std::partial_sort(exact.begin(), exact.begin() + 10, exact.end());
    std::set<std::string> top;
    for (size_t i = 0; i < 10; ++i) top.insert(exact[i].second);
    size_t found = 0;
    for (const auto& h : c.search(dense_query(q, 10))) found += top.count(c.document(h.slot).id);
    recall += double(found) / 10.0;
  }
  recall /= double(queries.size());
  CHECK(recall >= 0.95);
  size_t missing = 0, strangers = 0;
  for (const auto& [id, v] : expected) {
    bool self = false;
    SearchRequest own = dense_query(v, 10);
    own.ef = 200;
    for (const auto& h : c.search(own)) {
      const std::string& hit = c.document(h.slot).id;
      self = self || hit == id;
      strangers += expected.count(hit) ? 0 : 1;
    }
    missing += self ? 0 : 1;
  }
  CHECK(missing <= max_missing);
  CHECK(strangers == 0);
}

}  // namespace

TEST_CASE("dense JSON filters never return a non-matching document, at any selectivity") {
  for (Quantization q : {Quantization::kNone, Quantization::kInt8}) {
    std::mt19937 rng(1);
    Collection c = filled(dense_options(32, q, true), rng);
    const std::vector<std::pair<std::string, size_t>> filters = {
        {R"({"even": true})", 1500},
        {R"({"group": {"$lt": 10}})", 300},
        {R"({"group": 42})", 30},
        {R"({"$and": [{"group": 42}, {"even": false}]})", 0},  // 42 is even: impossible
        {R"({"missing": "field"})", 0}};
    for (const auto& entry : filters) {
      const std::string filter = entry.first;  // named copies: clang 14 cannot capture bindings
      const size_t matching = entry.second;
      CAPTURE(filter);
      for (int t = 0; t < 20; ++t) {
        auto hits = c.search(dense_query(test::random_vector(rng, 32), 10, filter));
        CHECK(hits.size() == std::min<size_t>(10, matching));
        for (const auto& h : hits) {
          const auto& meta = c.document(h.slot).metadata;
          if (filter == R"({"even": true})") CHECK(meta["even"] == true);
          if (filter == R"({"group": {"$lt": 10}})") CHECK(meta["group"] < 10);
          if (filter == R"({"group": 42})") CHECK(meta["group"] == 42);
        }
      }
    }
    // A very selective filter is answered exactly: equal to exact search with the same filter.
    for (int t = 0; t < 10; ++t) {
      auto v = test::random_vector(rng, 32);
      auto approx = c.search(dense_query(v, 10, R"({"group": 7})"));
      auto exact_request = dense_query(v, 10, R"({"group": 7})");
      exact_request.exact = true;
      auto exact = c.search(exact_request);
      REQUIRE(approx.size() == exact.size());
      for (size_t i = 0; i < approx.size(); ++i) CHECK(approx[i].slot == exact[i].slot);
    }
  }
}

TEST_CASE("deleted documents never come back; upserts reuse their slots") {
  for (Quantization q : {Quantization::kNone, Quantization::kInt8}) {
    std::mt19937 rng(2);
    Collection c = filled(dense_options(16, q, false), rng);
    std::vector<std::string> gone;
    for (int i = 0; i < 3000; i += 4) gone.push_back("d" + std::to_string(i));
    c.remove(gone);
    CHECK(c.vector_count() == 2250);
    const std::set<std::string> gone_set(gone.begin(), gone.end());
    for (int t = 0; t < 50; ++t) {
      for (const auto& h : c.search(dense_query(test::random_vector(rng, 16), 20))) {
        CHECK(gone_set.count(c.document(h.slot).id) == 0);
      }
    }
    // Re-add some deleted ids with new vectors, replace a live one: each is its own best match.
    std::vector<DocumentInput> back;
    std::vector<std::vector<float>> vectors;
    for (int i = 0; i < 40; i += 4) {
      vectors.push_back(test::random_vector(rng, 16));
      back.push_back(vector_doc("d" + std::to_string(i), vectors.back()));
    }
    c.add(back);
    auto fresh = test::random_vector(rng, 16);
    c.upsert({vector_doc("d1", fresh)});
    CHECK(c.vector_count() == 2260);
    CHECK(c.size() == 2260);
    for (size_t i = 0; i < vectors.size(); ++i) {
      auto hits = c.search(dense_query(vectors[i], 1));
      REQUIRE(hits.size() == 1);
      CHECK(c.document(hits[0].slot).id == "d" + std::to_string(4 * i));
    }
    auto hits = c.search(dense_query(fresh, 1));
    REQUIRE(hits.size() == 1);
    CHECK(c.document(hits[0].slot).id == "d1");
  }
}

TEST_CASE("int8 collections save and load with their options and identical results") {
  for (bool keep : {false, true}) {
    std::mt19937 rng(3);
    Collection c = filled(dense_options(24, Quantization::kInt8, keep), rng);
    c.remove({"d5", "d6"});
    auto bytes = c.serialize();
    Collection back = Collection::deserialize(bytes.data(), bytes.size());
    CHECK(back.options().dense.quantization == Quantization::kInt8);
    CHECK(back.options().dense.keep_float == keep);
    CHECK(back.vector_count() == 2998);
    for (int t = 0; t < 20; ++t) {
      auto request =
          dense_query(test::random_vector(rng, 24), 10, t % 2 ? R"({"even": true})" : "");
      auto a = c.search(request), b = back.search(request);
      REQUIRE(a.size() == b.size());
      for (size_t i = 0; i < a.size(); ++i) {
        CHECK(a[i].slot == b[i].slot);
        CHECK(a[i].score == b[i].score);
      }
    }
  }
}

TEST_CASE("dense bad input: clear errors or correct empty results, collection unchanged") {
  std::mt19937 rng(4);
  for (Quantization q : {Quantization::kNone, Quantization::kInt8}) {
    Collection empty(dense_options(8, q));
    CHECK(empty.search(dense_query(test::random_vector(rng, 8), 10)).empty());  // empty collection

    Collection c(dense_options(8, q));
    c.add({vector_doc("a", {1, 0, 0, 0, 0, 0, 0, 0}), vector_doc("b", {0, 1, 0, 0, 0, 0, 0, 0})});
    CHECK_OSPREY_ERROR(c.add({vector_doc("x", {1, NAN, 0, 0, 0, 0, 0, 0})}),
                       ErrorCode::kInvalidVector);
    CHECK_OSPREY_ERROR(c.add({vector_doc("x", {1, 0, INFINITY, 0, 0, 0, 0, 0})}),
                       ErrorCode::kInvalidVector);
    CHECK_OSPREY_ERROR(c.add({vector_doc("x", {1, 0})}), ErrorCode::kDimensionMismatch);
    // One bad vector fails the whole batch: nothing was added.
    CHECK_OSPREY_ERROR(
        c.add({vector_doc("ok", {0, 0, 1, 0, 0, 0, 0, 0}), vector_doc("bad", {0, 0, 0})}),
        ErrorCode::kDimensionMismatch);
    CHECK(c.vector_count() == 2);
    CHECK(c.find("ok") == nullptr);

    CHECK_OSPREY_ERROR(c.search(dense_query({1, 0, 0}, 10)), ErrorCode::kDimensionMismatch);
    CHECK_OSPREY_ERROR(c.search(dense_query({NAN, 0, 0, 0, 0, 0, 0, 0}, 10)),
                       ErrorCode::kInvalidVector);
    CHECK_OSPREY_ERROR(c.search(dense_query({0, 0, 0, 0, 0, 0, 0, 0}, 10)),
                       ErrorCode::kInvalidVector);
    CHECK(c.search(dense_query({1, 0, 0, 0, 0, 0, 0, 0}, 0)).empty());    // k = 0
    auto all = c.search(dense_query({1, 0.1f, 0, 0, 0, 0, 0, 0}, 1000));  // k > size
    REQUIRE(all.size() == 2);
    CHECK(c.document(all[0].slot).id == "a");
    CHECK(c.search(dense_query({1, 0, 0, 0, 0, 0, 0, 0}, 10, R"({"nope": 1})")).empty());
    CHECK_OSPREY_ERROR(c.search(dense_query({1, 0, 0, 0, 0, 0, 0, 0}, 10, "{bad json")),
                       ErrorCode::kInvalidJson);
  }
  // int8 needs an HNSW index.
  CollectionOptions flat = dense_options(8, Quantization::kInt8);
  flat.dense.kind = IndexKind::kFlat;
  CHECK_OSPREY_ERROR(Collection{flat}, ErrorCode::kInvalidArgument);
}

TEST_CASE("a large add or upsert reaches the index as one batch: built in parallel, same quality") {
  // HnswIndex builds batches of 4096+ vectors with build_threads() threads (all cores, at most 8;
  // 1 in the single-thread WASM build, where this checks the same results sequentially).
#ifndef __EMSCRIPTEN__
  if (std::thread::hardware_concurrency() > 1) REQUIRE(HnswIndex::build_threads() > 1);
#endif
  for (Quantization q : {Quantization::kNone, Quantization::kInt8}) {
    CAPTURE(int(q));
    const size_t dim = 24;
    const test::DataSet d = test::clustered(Metric::kCosine, 14000, 100, dim, 80, 0.5f, 21);
    std::map<std::string, std::vector<float>> expected;
    auto batch = [&](size_t from, size_t to, const std::string& prefix) {
      std::vector<DocumentInput> docs;
      for (size_t i = from; i < to; ++i) {
        const std::string id = prefix + std::to_string(i);
        docs.push_back(vector_doc(id, d.vectors[i]));
        expected[id] = d.vectors[i];
      }
      return docs;
    };
    Collection c(dense_options(dim, q, /*keep=*/q == Quantization::kInt8));
    c.add(batch(0, 8000, "d"));
    check_matches(c, expected, d.queries);

    // Deletions, then one upsert that replaces live documents (their slots reused in place),
    // brings deleted ids back and adds new ones: 6000 vectors in one batch.
    std::vector<std::string> gone;
    for (size_t i = 0; i < 8000; i += 5) gone.push_back("d" + std::to_string(i));
    c.remove(gone);
    for (const auto& id : gone) expected.erase(id);
    std::vector<DocumentInput> change;
    for (size_t i = 0; i < 1000; ++i) {  // d1..d999 (not multiples of 5) get other vectors
      if (i % 5 == 0) continue;
      const std::string id = "d" + std::to_string(i);
      change.push_back(vector_doc(id, d.vectors[8000 + i]));
      expected[id] = d.vectors[8000 + i];
    }
    for (size_t i = 0; i < 1000; i += 5) {  // deleted ids come back with other vectors
      const std::string id = "d" + std::to_string(i);
      change.push_back(vector_doc(id, d.vectors[9000 + i]));
      expected[id] = d.vectors[9000 + i];
    }
    for (auto& doc : batch(10000, 14000, "n")) change.push_back(std::move(doc));
    c.upsert(std::move(change));
    // hnswlib relinks a reused node in place and its old neighbours only approximately, and later
    // inserts prune older nodes' in-links: that left a node without a way in (1 of 13,600); the
    // index now links such nodes back (HnswIndex::link_back).
    const size_t relinked = 0;
    check_matches(c, expected, d.queries, relinked);

    // Saved and loaded, a large add waits (the index stays encoded) and is applied as one batch.
    const auto bytes = c.serialize();
    Collection loaded = Collection::deserialize(bytes.data(), bytes.size());
    std::vector<std::string> again;
    for (size_t i = 10000; i < 14000; i += 2) again.push_back("n" + std::to_string(i));
    c.remove(again);
    loaded.remove(again);
    for (const auto& id : again) expected.erase(id);
    std::vector<DocumentInput> more;
    for (size_t i = 0; i < 4500; ++i) {
      auto v = d.vectors[i];
      std::reverse(v.begin(), v.end());  // a unit vector of other (mirrored) clusters
      more.push_back(vector_doc("m" + std::to_string(i), v));
      expected["m" + std::to_string(i)] = v;
    }
    c.add(more);
    loaded.add(std::move(more));
    CHECK(loaded.vector_count() == c.vector_count());
    check_matches(loaded, expected, d.queries, relinked);
    check_matches(c, expected, d.queries, relinked);
  }
}
