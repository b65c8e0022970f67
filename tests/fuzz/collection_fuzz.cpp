// A collection file (or a change record) from bytes: it loads or is refused with an Osprey error,
// and whatever loads can be searched, read, changed and saved again without a crash, an
// out-of-bounds access, a hang or a large allocation. The checksums are recomputed first (and
// the payload size set to what follows), so that mutations reach the structure behind them;
// collection_raw_fuzz.cpp runs the same without that fix-up.
#include <cstring>
#include <string>
#include <vector>

#include "collection/collection.h"
#include "core/checksum.h"
#include "fuzz_util.h"
#include "query/query_parser.h"
#include "query/snippet.h"
#include "sparse/sparse_query.h"

using namespace osprey;

namespace {

constexpr size_t kHeader = 24;  // magic, version, CRC-32C, payload size (both formats)

#ifndef OSPREY_FUZZ_RAW
// Makes the header agree with the payload, as a writer would have.
void fix_header(std::vector<uint8_t>& bytes) {
  if (bytes.size() < kHeader) return;
  const uint64_t size = bytes.size() - kHeader;
  const uint32_t crc = crc32c(bytes.data() + kHeader, size);
  for (int i = 0; i < 4; ++i) bytes[12 + size_t(i)] = uint8_t(crc >> (8 * i));
  for (int i = 0; i < 8; ++i) bytes[16 + size_t(i)] = uint8_t(size >> (8 * i));
}
#endif

std::vector<float> query_vector(size_t dimension, uint32_t seed) {
  std::vector<float> v(dimension);
  for (size_t i = 0; i < dimension; ++i) {
    seed = seed * 1664525u + 1013904223u;
    v[i] = float(seed >> 8) / float(1u << 24) - 0.5f;
  }
  v[0] += 1.0f;  // never the zero vector (refused under cosine)
  return v;
}

DocumentInput document(std::string id, std::string body, const Collection& c, uint32_t seed) {
  DocumentInput d{std::move(id), "a title", std::move(body), "{\"n\":1}", std::nullopt};
  if (c.options().dense.dimension > 0) d.vector = query_vector(c.options().dense.dimension, seed);
  return d;
}

// Everything a user may do with a loaded collection; each step may be refused on its own.
void exercise(Collection& c) {
  const size_t dimension = c.options().dense.dimension;
  std::vector<std::string> ids;
  const size_t slots = c.sparse_index().slot_capacity();  // the store's slot count, checked
  for (uint32_t slot = 0; slot < slots && slot < 64 && ids.size() < 3; ++slot) {
    fuzz::expect_clean([&] {
      const StoredDocument& d = c.document(slot);
      if (!d.id.empty()) ids.push_back(d.id);
    });
  }
  fuzz::expect_clean([&] {
    SearchRequest r;
    r.text = "flow plate word1";
    r.k = 5;
    for (const SearchHit& hit : c.search(r)) {
      const StoredDocument& d = c.document(hit.slot);
      const auto terms = matched_terms(c.analyzer(), parse_query(r.text));
      best_passage(c.analyzer(), d.body, terms, 40);
      best_passage(c.analyzer(), d.title, terms, 40);
    }
  });
  fuzz::expect_clean([&] {
    SearchRequest r;
    r.text = "\"flow over\" plate";
    r.filter_json = "{\"n\": {\"$gte\": 1}}";
    r.k = 3;
    c.search(r);
  });
  if (dimension > 0) {
    for (bool exact : {false, true}) {
      fuzz::expect_clean([&] {
        SearchRequest r;
        r.vector = query_vector(dimension, 7);
        r.k = 4;
        r.exact = exact;
        r.mode = SearchMode::kDense;
        c.search(r);
      });
    }
    fuzz::expect_clean([&] {
      SearchRequest r;
      r.text = "flow";
      r.vector = query_vector(dimension, 9);
      r.k = 4;
      c.search(r);
    });
  }
  for (const std::string& id : ids) fuzz::expect_clean([&] { c.find(id); });
  if (ids.size() > 1) fuzz::expect_clean([&] { c.remove({ids[1]}); });
  fuzz::expect_clean([&] {
    std::vector<DocumentInput> docs;
    if (!ids.empty()) docs.push_back(document(ids[0], "flow over a plate again", c, 3));
    docs.push_back(document("fuzz-new", "word1 flow", c, 5));
    c.upsert(std::move(docs));
  });
  fuzz::expect_clean([&] {
    SearchRequest r;
    r.text = "flow";
    r.k = 3;
    c.search(r);
    if (dimension > 0) {
      r.vector = query_vector(dimension, 11);
      r.mode = SearchMode::kDense;
      c.search(r);
    }
  });
  fuzz::expect_clean([&] {
    const std::vector<uint8_t> saved = c.serialize();
    Collection again = Collection::deserialize(saved.data(), saved.size());
    // What was saved must load again.
    if (again.size() != c.size()) std::abort();
  });
}

// A change record applied to a small collection (both formats start with their own magic).
void replay(const std::vector<uint8_t>& record) {
  CollectionOptions options;
  options.dense.dimension = 4;
  Collection c(options);
  fuzz::expect_clean([&] {
    std::vector<DocumentInput> docs;
    for (int i = 0; i < 3; ++i)
      docs.push_back(document("d" + std::to_string(i), "flow plate", c, uint32_t(i)));
    c.add(std::move(docs));
  });
  fuzz::expect_clean([&] { c.apply_journal(record.data(), record.size()); });
  exercise(c);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<uint8_t> bytes(data, data + size);
#ifndef OSPREY_FUZZ_RAW
  fix_header(bytes);
#endif
  if (size >= 8 && std::memcmp(data, "OSPRJRNL", 8) == 0) {
    replay(bytes);
    return 0;
  }
  try {
    Collection c = Collection::deserialize(std::move(bytes));
    exercise(c);
  } catch (const Error& e) {
    if (e.code() == ErrorCode::kInternal) throw;
  }
  return 0;
}
