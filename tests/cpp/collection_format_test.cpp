// The collection format across versions, and the parts a loaded collection decodes on first use.
#include <cmath>
#include <random>

#include "collection/collection.h"
#include "core/checksum.h"
#include "fixtures/old_formats.h"
#include "rerank/rerank_state.h"
#include "test_util.h"

using namespace osprey;
using osprey::test::random_vector;

namespace {

// What fixtures/old_formats.h holds, built by the current code.
Collection fixture_collection(bool feedback) {
  CollectionOptions o;
  o.dense.dimension = 4;
  Collection c(o);
  std::vector<DocumentInput> docs;
  for (int i = 0; i < 12; ++i) {
    DocumentInput d;
    d.id = "doc" + std::to_string(i);
    d.title = i % 3 == 0 ? "Boundary layers" : "Heat transfer";
    d.body = "flow number " + std::to_string(i) + " over a flat plate with shock waves";
    d.metadata_json =
        "{\"n\":" + std::to_string(i) + ",\"tag\":\"" + (i % 2 ? "odd" : "even") + "\"}";
    d.vector = std::vector<float>{float(1 + i % 5), 1.0f, float(i % 3), float(std::sin(i))};
    docs.push_back(d);
  }
  c.add(docs);
  c.remove({"doc4", "doc7"});
  if (feedback) c.rerank_state().feedback.record("flat plate", "doc2", 1.0f);
  return c;
}

void check_same_hits(const Collection& a, const Collection& b, const SearchRequest& q) {
  auto x = a.search(q), y = b.search(q);
  REQUIRE(x.size() == y.size());
  for (size_t i = 0; i < x.size(); ++i) {
    CHECK(x[i].slot == y[i].slot);
    CHECK(x[i].score == y[i].score);
    CHECK(a.document(x[i].slot).id == b.document(y[i].slot).id);
    CHECK(a.document(x[i].slot).metadata == b.document(y[i].slot).metadata);
  }
}

SearchRequest query(std::string text, std::optional<std::vector<float>> vector = std::nullopt) {
  SearchRequest r;
  r.text = std::move(text);
  r.vector = std::move(vector);
  r.k = 10;
  return r;
}

uint32_t version_of(const std::vector<uint8_t>& bytes) {
  return uint32_t(bytes[8]) | uint32_t(bytes[9]) << 8 | uint32_t(bytes[10]) << 16 |
         uint32_t(bytes[11]) << 24;
}

// Sets the payload checksum of a collection buffer that a test changed on purpose.
void rechecksum(std::vector<uint8_t>& bytes) {
  const uint32_t crc = crc32c(bytes.data() + 24, bytes.size() - 24);
  for (int b = 0; b < 4; ++b) bytes[12 + size_t(b)] = uint8_t(crc >> (8 * b));
}

DocumentInput make_doc(int i, std::mt19937& rng) {
  DocumentInput d;
  d.id = "d" + std::to_string(i);
  d.title = "title " + std::to_string(i % 9);
  d.body = "body w" + std::to_string(i % 13) + " w" + std::to_string(i % 7) + " common";
  d.metadata_json = "{\"i\":" + std::to_string(i) + "}";
  d.vector = random_vector(rng, 8);
  return d;
}

}  // namespace

TEST_CASE("format versions 2 and 3 load, search as built, and are saved as version 4") {
  CHECK(version_of(test::kVersion3) == 3);
  CHECK(version_of(test::kVersion2) == 2);
  for (bool feedback : {true, false}) {
    const auto& old = feedback ? test::kVersion3 : test::kVersion2;
    Collection loaded = Collection::deserialize(old.data(), old.size());
    Collection fresh = fixture_collection(feedback);
    CHECK(loaded.size() == 10);
    CHECK(loaded.vector_count() == 10);
    CHECK(loaded.find("doc4") == nullptr);
    REQUIRE(loaded.find("doc5") != nullptr);
    CHECK(loaded.find("doc5")->metadata == fresh.find("doc5")->metadata);
    CHECK(loaded.rerank_state().feedback.size() == (feedback ? 1u : 0u));
    check_same_hits(loaded, fresh, query("shock plate"));
    check_same_hits(loaded, fresh, query("", std::vector<float>{2, 1, 0, 0.5f}));
    check_same_hits(loaded, fresh, query("boundary", std::vector<float>{1, 1, 2, 0}));
    // Saved again, an upgraded collection is the current format, and loads back to itself.
    auto upgraded = loaded.serialize();
    CHECK(version_of(upgraded) == Collection::kFormatVersion);
    Collection again = Collection::deserialize(upgraded.data(), upgraded.size());
    CHECK(again.serialize() == upgraded);
    check_same_hits(again, fresh, query("shock plate"));
#ifndef __EMSCRIPTEN__
    // The fixture was written by a native build: there, the upgraded bytes are exactly what the
    // current code writes. (A WASM build rounds the HNSW distances differently, so its own graph
    // of the same vectors may differ.)
    CHECK(upgraded == fresh.serialize());
#endif
    // And it keeps changing like the original (the freed slots are reused the same way).
    for (Collection* c : {&loaded, &fresh}) {
      c->add({DocumentInput{"new", "", "shock tube", "", std::vector<float>{1, 2, 3, 4}}});
      c->remove({"doc0"});
    }
    check_same_hits(loaded, fresh, query("shock"));
    CHECK(loaded.find("new") != nullptr);
#ifndef __EMSCRIPTEN__
    CHECK(loaded.serialize() == fresh.serialize());
#endif
  }
}

TEST_CASE("a loaded collection decodes on first use and saves untouched parts byte for byte") {
  std::mt19937 rng(21);
  CollectionOptions o;
  o.dense.dimension = 8;
  Collection original(o);
  std::vector<DocumentInput> docs;
  for (int i = 0; i < 300; ++i) docs.push_back(make_doc(i, rng));
  original.add(docs);
  original.remove({"d10", "d11"});
  const auto bytes = original.serialize();
  Collection loaded = Collection::deserialize(bytes.data(), bytes.size());
  CHECK(loaded.size() == 298);
  CHECK(loaded.vector_count() == 298);
  CHECK(loaded.serialize() == bytes);  // nothing decoded: copied
  check_same_hits(loaded, original, query("w3 common"));
  CHECK(loaded.serialize() == bytes);  // some lists and documents decoded
  const auto v = random_vector(rng, 8);
  check_same_hits(loaded, original, query("", v));
  check_same_hits(loaded, original, query("w5", v));
  CHECK(loaded.serialize() == bytes);  // the dense index decoded
  // Changes on both, through every path: new slots, reused slots, replacements, deletions.
  std::mt19937 rng_a(5), rng_b(5);
  for (auto [c, r] : {std::pair{&original, &rng_a}, std::pair{&loaded, &rng_b}}) {
    c->add({make_doc(400, *r), make_doc(401, *r), make_doc(402, *r)});  // two reuse freed slots
    c->upsert({make_doc(20, *r), make_doc(500, *r)});
    c->remove({"d30", "d401"});
    c->apply_batch({{"d40", "{\"moved\":true}"}}, {"d41"}, {make_doc(600, *r)});
  }
  CHECK(loaded.size() == original.size());
  check_same_hits(loaded, original, query("w3 common title"));
  check_same_hits(loaded, original, query("w1", random_vector(rng, 8)));
  CHECK(loaded.find("d40")->metadata == original.find("d40")->metadata);
  CHECK(loaded.serialize() == original.serialize());
}

TEST_CASE("appending to a loaded collection leaves stored posting lists encoded until read") {
  Collection original(CollectionOptions{});
  std::vector<DocumentInput> docs;
  for (int i = 0; i < 50; ++i) {
    docs.push_back({"d" + std::to_string(i), "", "alpha beta " + std::to_string(i), "", {}});
  }
  original.add(docs);
  const auto bytes = original.serialize();
  Collection loaded = Collection::deserialize(bytes.data(), bytes.size());
  for (Collection* c : {&original, &loaded}) {
    c->add({{"x1", "", "alpha gamma", "", {}}, {"x2", "", "beta alpha alpha", "", {}}});
  }
  // Saved while 'alpha' and 'beta' still have encoded stored lists with appended postings.
  CHECK(loaded.serialize() == original.serialize());
  check_same_hits(loaded, original, query("alpha"));
  check_same_hits(loaded, original, query("\"beta alpha\""));
  for (Collection* c : {&original, &loaded}) c->remove({"x2", "d3"});
  check_same_hits(loaded, original, query("alpha beta"));
  CHECK(loaded.serialize() == original.serialize());
}

TEST_CASE("a damaged stored document is a clear error when used, and a change stops before it") {
  Collection c(CollectionOptions{});
  c.add({{"a", "", "plate flow", "{\"n\":1}", {}}, {"b", "", "plate shock", "{\"n\":22}", {}}});
  auto bytes = c.serialize();
  // Break b's metadata JSON, with a valid checksum: it loads (documents are parsed when used).
  const std::string target = "{\"n\":22}";
  auto at = std::search(bytes.begin(), bytes.end(), target.begin(), target.end());
  REQUIRE(at != bytes.end());
  *(at + long(target.size()) - 1) = '!';
  rechecksum(bytes);
  Collection loaded = Collection::deserialize(bytes.data(), bytes.size());
  CHECK(loaded.find("a")->metadata["n"] == 1);
  CHECK_OSPREY_ERROR(loaded.find("b"), ErrorCode::kCorruptData);
  const auto before = loaded.serialize();
  CHECK_OSPREY_ERROR(loaded.upsert({{"new", "", "x", "", {}}, {"b", "", "plate", "", {}}}),
                     ErrorCode::kCorruptData);
  CHECK_OSPREY_ERROR(loaded.remove({"a", "b"}), ErrorCode::kCorruptData);
  CHECK(loaded.serialize() == before);  // the batch stopped before changing anything
  CHECK(loaded.size() == 2);
  CHECK(loaded.find("new") == nullptr);
}

TEST_CASE("changes to a loaded collection wait for its dense index, and match eager changes") {
  for (IndexKind kind : {IndexKind::kHnsw, IndexKind::kFlat}) {
    std::mt19937 rng(33);
    CollectionOptions o;
    o.dense.dimension = 8;
    o.dense.kind = kind;
    Collection original(o);
    std::vector<DocumentInput> docs;
    for (int i = 0; i < 200; ++i) docs.push_back(make_doc(i, rng));
    original.add(docs);
    original.remove({"d7"});
    const auto bytes = original.serialize();
    Collection loaded = Collection::deserialize(bytes.data(), bytes.size());
    // The same changes on both, before the loaded one ever decodes its dense index: new slots,
    // the freed slot reused, a replacement (remove + add of one slot), deletions.
    std::mt19937 rng_a(8), rng_b(8);
    for (auto [c, r] : {std::pair{&original, &rng_a}, std::pair{&loaded, &rng_b}}) {
      c->add({make_doc(300, *r), make_doc(301, *r)});
      c->upsert({make_doc(20, *r), make_doc(302, *r)});
      c->remove({"d300", "d40"});
      c->add({make_doc(303, *r)});
    }
    CHECK(loaded.vector_count() == original.vector_count());
    CHECK(loaded.size() == original.size());
    check_same_hits(loaded, original, query("common"));  // sparse only: still encoded
    // Saving applies them (decoding the index), with the same bytes as the eager collection.
    CHECK(loaded.serialize() == original.serialize());
    for (int q = 0; q < 5; ++q) check_same_hits(loaded, original, query("", random_vector(rng, 8)));
    CHECK(loaded.vector_count() == original.vector_count());
  }
}
