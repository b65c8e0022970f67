// Dense search through the Collection: JSON filters inside the HNSW walk, deletes and upserts
// with slot reuse, int8 options in the saved format, and bad input.
#include <cmath>
#include <set>

#include "collection/collection.h"
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
