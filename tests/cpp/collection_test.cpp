#include "collection/collection.h"

#include <cmath>

#include "core/checksum.h"
#include "test_util.h"

using namespace osprey;
using osprey::test::random_vector;

namespace {

DocumentInput doc(std::string id, std::string title, std::string body, std::string metadata = "",
                  std::optional<std::vector<float>> vector = std::nullopt) {
  return DocumentInput{std::move(id), std::move(title), std::move(body), std::move(metadata),
                       std::move(vector)};
}

std::vector<std::string> ids(const Collection& c, const std::vector<SearchHit>& hits) {
  std::vector<std::string> out;
  for (const auto& h : hits) out.push_back(c.document(h.slot).id);
  return out;
}

SearchRequest text_query(std::string text, size_t k = 10) {
  SearchRequest r;
  r.text = std::move(text);
  r.k = k;
  return r;
}

Collection sparse_fixture() {
  Collection c(CollectionOptions{});
  c.add({doc("wing", "Wing lift", "The lift of a swept wing in a slipstream.",
             R"({"lang":"en","year":2001})"),
         doc("heat", "Heat transfer", "Heat transfer in boundary layers at high speed.",
             R"({"lang":"en","year":1999})"),
         doc("zh", "机翼", "机翼的升力与滑流。", R"({"lang":"zh","year":2010})"),
         doc("boundary", "", "Boundary layer separation on a wing.",
             R"({"lang":"en","tags":["flow","wing"]})")});
  return c;
}

}  // namespace

TEST_CASE("sparse search ranks by BM25 and respects k") {
  Collection c = sparse_fixture();
  auto hits = c.search(text_query("wing lift"));
  REQUIRE(hits.size() == 2);
  CHECK(ids(c, hits)[0] == "wing");
  CHECK(ids(c, hits)[1] == "boundary");
  CHECK(hits[0].score > hits[1].score);
  CHECK(c.search(text_query("wing", 1)).size() == 1);
  CHECK(c.search(text_query("WING")).size() == 2);         // case-folded
  CHECK(ids(c, c.search(text_query("升力")))[0] == "zh");  // CJK bigram
  CHECK(c.search(text_query("?!")).empty());               // no terms: empty result, not an error
}

TEST_CASE("metadata filters restrict every mode and never return non-matching documents") {
  Collection c = sparse_fixture();
  auto q = text_query("wing boundary heat");
  q.filter_json = R"({"lang":"en","year":{"$gte":2000}})";
  CHECK(ids(c, c.search(q)) == std::vector<std::string>{"wing"});
  q.filter_json = R"({"tags":"flow"})";
  CHECK(ids(c, c.search(q)) == std::vector<std::string>{"boundary"});
  q.filter_json = R"({"$or":[{"lang":"zh"},{"year":{"$lt":2000}}]})";
  CHECK(ids(c, c.search(q)) == std::vector<std::string>{"heat"});
  q.filter_json = R"({"lang":{"$in":["fr"]}})";
  CHECK(c.search(q).empty());
  q.filter_json = R"({"year":{"$between":1}})";
  CHECK_OSPREY_ERROR(c.search(q), ErrorCode::kInvalidJson);
  q.filter_json = "{not json";
  CHECK_OSPREY_ERROR(c.search(q), ErrorCode::kInvalidJson);
}

TEST_CASE("delete and upsert by id update every index") {
  Collection c = sparse_fixture();
  c.remove({"wing"});
  CHECK(c.size() == 3);
  CHECK(ids(c, c.search(text_query("lift"))).empty());
  CHECK(c.find("wing") == nullptr);
  c.upsert({doc("heat", "Lift", "Nothing about temperature now.")});
  CHECK(ids(c, c.search(text_query("lift"))) == std::vector<std::string>{"heat"});
  CHECK(c.search(text_query("transfer")).empty());
  c.add({doc("wing", "Wing again", "reused slot")});
  CHECK(ids(c, c.search(text_query("reused"))) == std::vector<std::string>{"wing"});
  CHECK(c.size() == 4);
}

TEST_CASE("bad input is refused and leaves the collection unchanged") {
  Collection c = sparse_fixture();
  const auto before = c.serialize();
  CHECK_OSPREY_ERROR(c.add({doc("new", "a", "b"), doc("wing", "dup", "dup")}),
                     ErrorCode::kDuplicateId);
  CHECK_OSPREY_ERROR(c.add({doc("x", "a", "b"), doc("x", "a", "b")}), ErrorCode::kDuplicateId);
  CHECK_OSPREY_ERROR(c.add({doc("", "a", "b")}), ErrorCode::kInvalidArgument);
  CHECK_OSPREY_ERROR(c.add({doc("bad", "a", std::string("\xC3\x28", 2))}), ErrorCode::kInvalidUtf8);
  CHECK_OSPREY_ERROR(c.add({doc("bad", "a", std::string("\xED\xA0\x80", 3))}),
                     ErrorCode::kInvalidUtf8);
  CHECK_OSPREY_ERROR(c.add({doc("bad", "a", "b", "[1,2]")}), ErrorCode::kInvalidJson);
  CHECK_OSPREY_ERROR(c.add({doc("bad", "a", "b", "", std::vector<float>{1, 2})}),
                     ErrorCode::kInvalidArgument);
  CHECK_OSPREY_ERROR(c.add({doc(std::string(2000, 'i'), "a", "b")}), ErrorCode::kLimitExceeded);
  CHECK_OSPREY_ERROR(c.remove({"heat", "missing"}), ErrorCode::kUnknownId);
  CHECK_OSPREY_ERROR(c.search(text_query("   ")), ErrorCode::kEmptyQuery);
  CHECK_OSPREY_ERROR(c.search(text_query(std::string("\xFF", 1))), ErrorCode::kInvalidUtf8);
  CHECK_OSPREY_ERROR(c.search(text_query(std::string(Limits::kQueryBytes + 1, 'a'))),
                     ErrorCode::kLimitExceeded);
  SearchRequest dense;
  dense.vector = std::vector<float>{1, 0};
  CHECK_OSPREY_ERROR(c.search(dense), ErrorCode::kInvalidArgument);  // no dense index
  CHECK(c.serialize() == before);
}

TEST_CASE("dense, hybrid and exact search with vectors") {
  std::mt19937 rng(7);
  CollectionOptions options;
  options.dense.dimension = 32;
  for (Metric metric : {Metric::kCosine, Metric::kInnerProduct, Metric::kL2}) {
    options.dense.metric = metric;
    Collection c(options);
    std::vector<std::vector<float>> vectors;
    std::vector<DocumentInput> docs;
    for (int i = 0; i < 300; ++i) {
      vectors.push_back(random_vector(rng, 32));
      docs.push_back(doc("d" + std::to_string(i), "", i % 2 ? "odd text" : "even text",
                         i % 2 ? R"({"parity":"odd"})" : R"({"parity":"even"})", vectors.back()));
    }
    c.add(docs);
    // Each stored vector is its own nearest neighbour.
    for (int i = 0; i < 300; i += 37) {
      SearchRequest q;
      q.vector = vectors[i];
      q.k = 3;
      auto hits = c.search(q);
      REQUIRE(!hits.empty());
      CHECK(c.document(hits[0].slot).id == "d" + std::to_string(i));
      q.exact = true;
      CHECK(c.document(c.search(q)[0].slot).id == "d" + std::to_string(i));
      q.filter_json = R"({"parity":"odd"})";
      for (const auto& h : c.search(q)) CHECK(c.document(h.slot).metadata["parity"] == "odd");
    }
    // Hybrid: text and vector agree on d4, which must win the fusion.
    SearchRequest q;
    q.text = "even";
    q.vector = vectors[4];
    auto hits = c.search(q);
    REQUIRE(!hits.empty());
    CHECK(c.document(hits[0].slot).id == "d4");
    CHECK(hits[0].dense_rank == 1u);
    CHECK(hits[0].sparse_score.has_value());
  }
}

TEST_CASE("hybrid convex fusion: normalised scores mixed with per-query weights") {
  CollectionOptions options;
  options.dense.dimension = 2;
  Collection c(options);
  // BM25 for "gust" prefers a (more occurrences, same length); the vector prefers b.
  c.add({doc("a", "", "gust gust front", "", std::vector<float>{1, 0}),
         doc("b", "", "gust warm front", "", std::vector<float>{0, 1}),
         doc("c", "", "calm warm front", "", std::vector<float>{0.6f, 0.8f})});
  SearchRequest q;
  q.text = "gust";
  q.vector = std::vector<float>{0, 1};
  q.k = 3;
  q.fusion = HybridFusion::kConvex;
  auto ids = [&](const std::vector<SearchHit>& hits) {
    std::vector<std::string> out;
    for (const auto& h : hits) out.push_back(c.document(h.slot).id);
    return out;
  };
  q.sparse_weight = 1;
  q.dense_weight = 0;
  CHECK(ids(c.search(q))[0] == "a");
  q.sparse_weight = 0;
  q.dense_weight = 1;
  CHECK(ids(c.search(q))[0] == "b");
  // Min-max per stage: sparse a 1, b 0 (c absent: 0); dense b 1, c 0.8, a 0. With weights 0.4 and
  // 0.6: b 0.6, c 0.48, a 0.4.
  q.sparse_weight = 0.4;
  q.dense_weight = 0.6;
  const auto hits = c.search(q);
  REQUIRE(hits.size() == 3);
  CHECK(ids(hits) == std::vector<std::string>{"b", "c", "a"});
  CHECK(hits[0].score == doctest::Approx(0.6));
  CHECK(hits[1].score == doctest::Approx(0.48));
  CHECK(hits[2].score == doctest::Approx(0.4));
  for (const auto& h : hits) CHECK((h.score >= 0 && h.score <= 1));
  CHECK(hits[0].sparse_rank.has_value());
  CHECK(hits[0].dense_rank == 1u);
  q.sparse_weight = q.dense_weight = 0;
  CHECK_OSPREY_ERROR(c.search(q), ErrorCode::kInvalidArgument);
}

TEST_CASE("vector validation: dimension, NaN, zero under cosine, missing") {
  CollectionOptions options;
  options.dense.dimension = 4;
  Collection c(options);
  c.add({doc("a", "", "alpha", "", std::vector<float>{1, 0, 0, 0})});
  const auto before = c.serialize();
  CHECK_OSPREY_ERROR(c.add({doc("b", "", "", "", std::vector<float>{1, 0, 0})}),
                     ErrorCode::kDimensionMismatch);
  CHECK_OSPREY_ERROR(c.add({doc("b", "", "", "", std::vector<float>{1, NAN, 0, 0})}),
                     ErrorCode::kInvalidVector);
  CHECK_OSPREY_ERROR(c.add({doc("b", "", "", "", std::vector<float>{INFINITY, 0, 0, 0})}),
                     ErrorCode::kInvalidVector);
  CHECK_OSPREY_ERROR(c.add({doc("b", "", "", "", std::vector<float>{0, 0, 0, 0})}),
                     ErrorCode::kInvalidVector);
  CHECK_OSPREY_ERROR(c.add({doc("b", "", "no vector")}), ErrorCode::kInvalidVector);
  SearchRequest q;
  q.vector = std::vector<float>{1, 0};
  CHECK_OSPREY_ERROR(c.search(q), ErrorCode::kDimensionMismatch);
  q.vector = std::vector<float>{1, 0, 0, 0};
  q.k = 0;
  CHECK(c.search(q).empty());
  q.k = 50;  // more than the collection holds
  CHECK(c.search(q).size() == 1);
  CHECK(c.serialize() == before);
}

TEST_CASE("serialization round-trips exactly, including deletes and slot reuse") {
  std::mt19937 rng(3);
  CollectionOptions options;
  options.dense.dimension = 16;
  for (IndexKind kind : {IndexKind::kHnsw, IndexKind::kFlat}) {
    options.dense.kind = kind;
    Collection c(options);
    std::vector<DocumentInput> docs;
    for (int i = 0; i < 200; ++i) {
      docs.push_back(doc("d" + std::to_string(i), "t" + std::to_string(i % 7),
                         "body words " + std::to_string(i), "{\"n\":" + std::to_string(i) + "}",
                         random_vector(rng, 16)));
    }
    c.add(docs);
    c.remove({"d3", "d50", "d199"});
    auto bytes = c.serialize();
    Collection loaded = Collection::deserialize(bytes.data(), bytes.size());
    CHECK(loaded.size() == 197);
    CHECK(loaded.serialize() == bytes);
    for (int i = 0; i < 5; ++i) {
      SearchRequest q;
      q.text = "t3 words";
      q.vector = random_vector(rng, 16);
      auto a = c.search(q), b = loaded.search(q);
      REQUIRE(a.size() == b.size());
      for (size_t j = 0; j < a.size(); ++j) {
        CHECK(a[j].slot == b[j].slot);
        CHECK(a[j].score == b[j].score);
      }
    }
    // Both reuse the same freed slot next.
    c.add({doc("new", "", "x", "", random_vector(rng, 16))});
    auto v = random_vector(rng, 16);
    loaded.add({doc("new", "", "x", "", v)});
    CHECK(c.find("new") != nullptr);
    CHECK(loaded.search(text_query("x"))[0].slot == c.search(text_query("x"))[0].slot);
  }
}

TEST_CASE("corrupt, truncated and foreign buffers are refused with clear errors") {
  Collection c = sparse_fixture();
  auto bytes = c.serialize();
  CHECK_OSPREY_ERROR(Collection::deserialize(bytes.data(), 0), ErrorCode::kUnsupportedFormat);
  std::vector<uint8_t> foreign = {'P', 'K', 3, 4, 0, 0, 0, 0, 0, 0};
  CHECK_OSPREY_ERROR(Collection::deserialize(foreign.data(), foreign.size()),
                     ErrorCode::kUnsupportedFormat);
  auto newer = bytes;
  newer[8] = 99;
  CHECK_OSPREY_ERROR(Collection::deserialize(newer.data(), newer.size()),
                     ErrorCode::kUnsupportedFormat);
  CHECK_OSPREY_ERROR(Collection::deserialize(bytes.data(), bytes.size() - 1),
                     ErrorCode::kCorruptData);
  for (size_t i = 24; i < bytes.size(); i += 7) {
    auto flipped = bytes;
    flipped[i] ^= 0x40;
    CHECK_OSPREY_ERROR(Collection::deserialize(flipped.data(), flipped.size()),
                       ErrorCode::kCorruptData);
  }
}

TEST_CASE("structurally invalid payloads with a valid checksum are still refused") {
  // Re-checksummed garbage must fail on structure, never crash or allocate without bound.
  std::mt19937 rng(11);
  CollectionOptions options;
  options.dense.dimension = 8;
  Collection c(options);
  std::vector<DocumentInput> docs;
  for (int i = 0; i < 40; ++i)
    docs.push_back(
        doc("d" + std::to_string(i), "", "w" + std::to_string(i), "", random_vector(rng, 8)));
  c.add(docs);
  auto bytes = c.serialize();
  int refused = 0;
  for (int trial = 0; trial < 300; ++trial) {
    auto mutated = bytes;
    size_t at = 24 + rng() % (mutated.size() - 24);
    mutated[at] = uint8_t(rng());
    uint32_t crc = crc32c(mutated.data() + 24, mutated.size() - 24);
    for (int b = 0; b < 4; ++b) mutated[12 + b] = uint8_t(crc >> (8 * b));
    try {
      Collection loaded = Collection::deserialize(mutated.data(), mutated.size());
      // Whatever loaded must be usable, or refuse clearly the parts it decodes on first use
      // (documents, posting lists, the dense index), and a change it refuses changes nothing.
      const auto before = loaded.serialize();
      try {
        loaded.upsert({doc("d5", "", "w1 w2 new", "", random_vector(rng, 8)),
                       doc("fresh", "", "w1", "", random_vector(rng, 8))});
      } catch (const Error& e) {
        CHECK(e.code() == ErrorCode::kCorruptData);
        CHECK(loaded.serialize() == before);
      }
      loaded.search(text_query("w1"));
      SearchRequest dense;
      dense.vector = random_vector(rng, 8);
      loaded.search(dense);
      for (int i = 0; i < 40; ++i) loaded.find("d" + std::to_string(i));
    } catch (const Error& e) {
      CHECK((e.code() == ErrorCode::kCorruptData || e.code() == ErrorCode::kUnsupportedFormat));
      refused++;
    }
  }
  CHECK(refused > 0);
}
