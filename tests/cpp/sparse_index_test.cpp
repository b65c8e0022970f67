#include <doctest/doctest.h>

#include <algorithm>
#include <random>

#include "analysis/analyzer.h"
#include "sparse/bm25_index.h"
#include "test_util.h"

using namespace osprey;

namespace {

using Fields = std::array<std::vector<Token>, kFieldCount>;

Fields analyzed(const Analyzer& a, const std::string& title, const std::string& body) {
  return {a.analyze(title), a.analyze(body)};
}

// A random corpus over a small Zipf-like vocabulary, so that lists overlap a lot.
std::vector<std::pair<std::string, std::string>> random_corpus(std::mt19937& rng, size_t n) {
  std::vector<std::pair<std::string, std::string>> docs;
  std::uniform_int_distribution<int> length(0, 40);
  for (size_t i = 0; i < n; ++i) {
    auto words = [&](int count) {
      std::string text;
      for (int j = 0; j < count; ++j) {
        double u = std::uniform_real_distribution<double>(0, 1)(rng);
        text += "w" + std::to_string(int(300 * u * u * u)) + " ";
      }
      return text;
    };
    docs.push_back({words(length(rng) / 8), words(length(rng))});
  }
  return docs;
}

void check_same(const std::vector<ScoredSlot>& a, const std::vector<ScoredSlot>& b) {
  REQUIRE(a.size() == b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    CHECK(a[i].slot == b[i].slot);
    CHECK(a[i].score == b[i].score);
  }
}

}  // namespace

TEST_CASE("sparse: pruned top-k equals exhaustive scoring on random queries") {
  std::mt19937 rng(7);
  Analyzer a(AnalyzerConfig{Language::kNone, true, false, false, CjkMode::kBigrams});
  Bm25Params params;
  params.field_weights = {2.0f, 1.0f};
  Bm25Index index(params);
  auto docs = random_corpus(rng, 3000);
  for (size_t i = 0; i < docs.size(); ++i)
    index.add(uint32_t(i), analyzed(a, docs[i].first, docs[i].second));
  // Delete and re-add some so that slots are reused in the middle of lists.
  for (uint32_t slot = 5; slot < 3000; slot += 37) {
    index.remove(slot, analyzed(a, docs[slot].first, docs[slot].second));
  }
  for (uint32_t slot = 5; slot < 3000; slot += 74)
    index.add(slot, analyzed(a, "w1 w2", "w3 w250 w299"));

  Bitset allowed(3000);
  for (uint32_t s = 0; s < 3000; s += 3) allowed.set(s);
  std::uniform_int_distribution<int> term(0, 320), count(1, 12), kdist(1, 200);
  for (int q = 0; q < 300; ++q) {
    std::vector<TermQuery> query;
    const int n = count(rng);
    for (int i = 0; i < n; ++i) {
      std::string t = "w" + std::to_string(term(rng));
      float w = index.document_frequency(t) ? index.idf(index.document_frequency(t)) : 1.0f;
      query.push_back({t, FieldMask(1 + q % 3), w * float(1 + i % 2), nullptr});
    }
    const size_t k = size_t(kdist(rng));
    const Bitset* filter = q % 4 == 0 ? &allowed : nullptr;
    const auto exhaustive = index.search_exhaustive(query, k, filter);
    check_same(index.search_pruned(query, k, filter), exhaustive);
    check_same(index.search(query, k, filter), exhaustive);
  }
}

TEST_CASE("sparse: BM25F scores follow the formula") {
  Analyzer a(AnalyzerConfig{Language::kNone, true, false, false, CjkMode::kBigrams});
  Bm25Params params;
  params.k1 = 0.9f;
  params.b = 0.4f;
  Bm25Index index(params);
  index.add(0, analyzed(a, "", "wing wing lift"));
  index.add(1, analyzed(a, "", "lift drag"));
  index.add(2, analyzed(a, "", "drag"));
  auto hits = index.search(std::vector<std::string>{"wing"}, 10, nullptr);
  REQUIRE(hits.size() == 1);
  const float avg = 6.0f / 3.0f;
  const float tf = 2.0f / (1 - 0.4f + 0.4f * 3 / avg);
  const float idf = std::log(1.0f + (3 - 1 + 0.5f) / (1 + 0.5f));
  CHECK(hits[0].score == doctest::Approx(idf * tf / (0.9f + tf)).epsilon(1e-5));
  CHECK(index.search(std::vector<std::string>{"nothing"}, 10, nullptr).empty());
  CHECK(index.search(std::vector<std::string>{"lift"}, 0, nullptr).empty());
}

TEST_CASE("sparse: add, delete and update in place match a fresh index") {
  Analyzer a;
  Bm25Index live;
  std::vector<std::pair<std::string, std::string>> docs = {
      {"Wing lift", "The lift of a swept wing."},
      {"Heat", "Heat transfer in boundary layers."},
      {"Drag", "Drag of a wing in a slipstream."},
      {"Flutter", "Wing flutter at high speed."}};
  for (uint32_t i = 0; i < docs.size(); ++i)
    live.add(i, analyzed(a, docs[i].first, docs[i].second));
  live.remove(1, analyzed(a, docs[1].first, docs[1].second));
  live.remove(2, analyzed(a, docs[2].first, docs[2].second));
  live.add(2, analyzed(a, "Drag", "Drag of a body."));  // an update of slot 2

  Bm25Index fresh;
  fresh.add(0, analyzed(a, docs[0].first, docs[0].second));
  fresh.add(2, analyzed(a, "Drag", "Drag of a body."));
  fresh.add(3, analyzed(a, docs[3].first, docs[3].second));
  CHECK(live.document_count() == 3);
  CHECK(live.term_count() == fresh.term_count());
  for (const char* q : {"wing", "drag", "heat", "speed"}) {
    check_same(live.search(std::vector<std::string>{q}, 10, nullptr),
               fresh.search(std::vector<std::string>{q}, 10, nullptr));
  }
  // The same content serializes to the same bytes (positions cut out cleanly on delete).
  ByteWriter wl, wf;
  live.save(wl);
  fresh.save(wf);
  CHECK(wl.bytes() == wf.bytes());
}

TEST_CASE("sparse: phrases need adjacent positions in one field") {
  Analyzer a;
  Bm25Index index;
  index.add(0, analyzed(a, "swept wing", "boundary layer theory"));
  index.add(1, analyzed(a, "wing swept", "the layer of boundary"));
  index.add(2, analyzed(a, "", "theory of the boundary layer"));
  auto phrase = [&](std::vector<std::string> words, FieldMask fields) {
    std::vector<PhraseTerm> p;
    for (uint32_t i = 0; i < words.size(); ++i) p.push_back({words[i], i});
    Bitset out(3);
    index.collect_phrase(p, fields, out);
    std::vector<uint32_t> slots;
    for (uint32_t s = 0; s < 3; ++s) {
      if (out.test(s)) slots.push_back(s);
    }
    return slots;
  };
  CHECK(phrase({"swept", "wing"}, kAllFields) == std::vector<uint32_t>{0});
  CHECK(phrase({"boundari", "layer"}, kAllFields) == std::vector<uint32_t>{0, 2});
  CHECK(phrase({"boundari", "layer"}, 1 << kTitle).empty());
  CHECK(phrase({"wing", "boundari"}, kAllFields).empty());  // across fields
  CHECK(phrase({"missing", "layer"}, kAllFields).empty());
}

// An index over `count` random documents, saved, and loaded back from those bytes.
struct SavedIndex {
  Analyzer a;
  Bm25Index index;
  std::vector<std::pair<std::string, std::string>> docs;
  ByteWriter w;
  Bm25Index loaded;
  bool read_all = false;

  SavedIndex(unsigned seed, size_t count) {
    std::mt19937 rng(seed);
    docs = random_corpus(rng, count);
    for (size_t i = 0; i < docs.size(); ++i)
      index.add(uint32_t(i), analyzed(a, docs[i].first, docs[i].second));
    index.save(w);
    const auto bytes = std::make_shared<const std::vector<uint8_t>>(w.bytes());
    ByteReader r(bytes->data(), bytes->size(), "index");
    loaded = Bm25Index::load(r, bytes);
    read_all = r.done();
  }
};

TEST_CASE("sparse: the index round-trips and corrupt bytes are refused") {
  SavedIndex saved(3, 200);
  Bm25Index& index = saved.index;
  ByteWriter& w = saved.w;
  Bm25Index& loaded = saved.loaded;
  CHECK(saved.read_all);
  CHECK(loaded.term_count() == index.term_count());
  CHECK(loaded.document_frequency("w3") == index.document_frequency("w3"));
  for (const char* q : {"w1", "w2", "w7", "w100"}) {
    check_same(loaded.search(std::vector<std::string>{q, "w3"}, 20, nullptr),
               index.search(std::vector<std::string>{q, "w3"}, 20, nullptr));
  }
  // Partly decoded, it saves the same bytes (decoded lists encoded again, the rest copied).
  ByteWriter again;
  loaded.save(again);
  CHECK(again.bytes() == w.bytes());
  // Flip bytes one at a time: every load either succeeds or throws CORRUPT_DATA, and so does
  // decoding every posting list of what loaded.
  std::vector<std::string> terms;
  for (int t = 0; t < 300; ++t) terms.push_back("w" + std::to_string(t));
  for (size_t i = 0; i < w.size(); i += 7) {
    auto bad = std::make_shared<std::vector<uint8_t>>(w.bytes());
    (*bad)[i] ^= 0x5A;
    ByteReader rb(bad->data(), bad->size(), "index");
    try {
      Bm25Index damaged = Bm25Index::load(rb, bad);
      for (const auto& term : terms)
        (void)damaged.search(std::vector<std::string>{term}, 5, nullptr);
    } catch (const Error& e) {
      CHECK(e.code() == ErrorCode::kCorruptData);
    }
  }
  auto truncated = std::make_shared<const std::vector<uint8_t>>(
      w.bytes().begin(), w.bytes().begin() + long(w.size() / 2));
  ByteReader rt(truncated->data(), truncated->size(), "index");
  CHECK_OSPREY_ERROR(Bm25Index::load(rt, truncated), ErrorCode::kCorruptData);
}

TEST_CASE("sparse: a loaded index changes like the index it was saved from") {
  SavedIndex saved(5, 120);
  Analyzer& a = saved.a;
  Bm25Index& index = saved.index;
  const auto& docs = saved.docs;
  Bm25Index& loaded = saved.loaded;
  // Remove, re-add and add on both; the loaded one decodes only the lists these touch.
  for (Bm25Index* target : {&index, &loaded}) {
    for (uint32_t slot : {3u, 40u, 77u}) {
      target->remove(slot, analyzed(a, docs[slot].first, docs[slot].second));
    }
    target->add(40, analyzed(a, "fresh title", "w1 w2 novelterm"));
    target->add(120, analyzed(a, "", "w5 w5 w9 another"));
  }
  CHECK(loaded.term_count() == index.term_count());
  CHECK(loaded.document_count() == index.document_count());
  for (const char* q : {"w1", "w5", "novelterm", "w9", "w3"}) {
    check_same(loaded.search(std::vector<std::string>{q}, 20, nullptr),
               index.search(std::vector<std::string>{q}, 20, nullptr));
  }
  ByteWriter wl, wi;
  loaded.save(wl);
  index.save(wi);
  CHECK(wl.bytes() == wi.bytes());
}
