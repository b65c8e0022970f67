// Crafted collection files: the structure behind a valid checksum is checked too. Each case
// builds a real collection, rewrites one part of its bytes into a shape that no writer makes,
// recomputes the checksum, and expects CORRUPT_DATA naming the section, with memory bounded by
// the size of the input.
#include <malloc.h>

#include <atomic>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <new>
#include <random>

#include "collection/change_journal.h"
#include "collection/collection.h"
#include "core/byte_io.h"
#include "core/checksum.h"
#include "dense/scalar_quantizer.h"
#include "fixtures/old_formats.h"
#include "rerank/rerank_state.h"
#include "test_util.h"

using namespace osprey;
using osprey::test::random_vector;

// --- Allocation meter ------------------------------------------------------------------------
// The test binary's operator new counts the bytes in use while a meter runs, and the most at
// once: "allocation proportional to the input" is then something a test can check. (hnswlib's
// own malloc calls are not seen; the fuzz harness's -malloc_limit_mb covers those.)
namespace {
std::atomic<bool> g_metering{false};
std::atomic<long long> g_in_use{0}, g_peak{0};

void note_alloc(void* p) {
  if (!g_metering.load(std::memory_order_relaxed)) return;
  const long long now = g_in_use += (long long)malloc_usable_size(p);
  long long peak = g_peak.load();
  while (now > peak && !g_peak.compare_exchange_weak(peak, now)) {
  }
}
void note_free(void* p) {
  if (g_metering.load(std::memory_order_relaxed)) g_in_use -= (long long)malloc_usable_size(p);
}
}  // namespace

void* operator new(size_t size) {
  void* p = std::malloc(size ? size : 1);
  if (!p) throw std::bad_alloc();
  note_alloc(p);
  return p;
}
void operator delete(void* p) noexcept {
  if (!p) return;
  note_free(p);
  std::free(p);
}
void operator delete(void* p, size_t) noexcept {
  operator delete(p);
}
// Every other form too, so that no allocation of the binary pairs the runtime's operator new with
// this free() (AddressSanitizer reports the mismatch, e.g. std::stable_sort's nothrow buffer).
void* operator new(size_t size, const std::nothrow_t&) noexcept {
  void* p = std::malloc(size ? size : 1);
  if (p) note_alloc(p);
  return p;
}
void* operator new[](size_t size) {
  return operator new(size);
}
void* operator new[](size_t size, const std::nothrow_t&) noexcept {
  return operator new(size, std::nothrow);
}
void operator delete(void* p, const std::nothrow_t&) noexcept {
  operator delete(p);
}
void operator delete[](void* p) noexcept {
  operator delete(p);
}
void operator delete[](void* p, size_t) noexcept {
  operator delete(p);
}
void operator delete[](void* p, const std::nothrow_t&) noexcept {
  operator delete(p);
}

namespace {

// The most bytes allocated at once (above what was in use before) while `body` runs.
template <typename Body>
long long peak_allocation(Body&& body) {
  g_in_use = 0;
  g_peak = 0;
  g_metering = true;
  try {
    body();
  } catch (...) {
    g_metering = false;
    throw;
  }
  g_metering = false;
  return g_peak.load();
}

// --- The collection format, as far as these tests rewrite it (collection_format.cpp) -----------
constexpr size_t kHeader = 24;
constexpr size_t kFixedOptions = 6 + 24;  // analyzer config, dense options

struct Parts {
  std::vector<uint8_t> options, store, bm25;
  bool has_dense = false;
  uint64_t vector_count = 0;
  std::vector<uint8_t> dense, rest;
};

std::vector<uint8_t> slice(const uint8_t* from, const uint8_t* to) {
  return {from, to};
}

void skip_store(ByteReader& in) {
  const uint64_t slots = in.varint();
  for (uint64_t s = 0; s < slots; ++s) {
    if (in.u8())
      for (int f = 0; f < 4; ++f) in.raw(in.count(1));
  }
  for (uint64_t n = in.varint(); n > 0; --n) in.varint();
}

void skip_bm25(ByteReader& in) {
  in.u8();
  in.raw(16);
  in.varint();
  for (uint64_t n = 2 * in.varint(); n > 0; --n) in.varint();
  for (uint64_t terms = in.varint(); terms > 0; --terms) {
    in.raw(in.count(1));
    in.varint();
    in.raw(in.count(1));
  }
}

uint32_t dimension_of(const std::vector<uint8_t>& options) {
  return uint32_t(options[6]) | uint32_t(options[7]) << 8 | uint32_t(options[8]) << 16 |
         uint32_t(options[9]) << 24;
}

Parts split(const std::vector<uint8_t>& bytes) {
  ByteReader in(bytes.data() + kHeader, bytes.size() - kHeader, "test");
  Parts p;
  const uint8_t* at = in.position();
  in.raw(kFixedOptions);
  p.options = slice(at, in.position());
  at = in.position();
  skip_store(in);
  p.store = slice(at, in.position());
  at = in.position();
  skip_bm25(in);
  p.bm25 = slice(at, in.position());
  p.has_dense = dimension_of(p.options) > 0;
  if (p.has_dense) {
    p.vector_count = in.varint();
    const size_t size = size_t(in.u64());
    at = in.position();
    p.dense = slice(at, in.raw(size) + size);
  }
  p.rest = slice(in.position(), in.position() + in.remaining());
  return p;
}

// A whole file again, with its checksum computed over the new payload.
std::vector<uint8_t> join(const Parts& p) {
  ByteWriter payload;
  for (const auto* part : {&p.options, &p.store, &p.bm25}) payload.raw(part->data(), part->size());
  if (p.has_dense) {
    payload.varint(p.vector_count);
    payload.u64(p.dense.size());
    payload.raw(p.dense.data(), p.dense.size());
  }
  payload.raw(p.rest.data(), p.rest.size());
  ByteWriter out;
  out.raw("OSPREYDB", 8);
  out.u32(Collection::kFormatVersion);
  out.u32(crc32c(payload.bytes().data(), payload.size()));
  out.u64(payload.size());
  out.raw(payload.bytes().data(), payload.size());
  return out.take();
}

// The document store's records.
struct Store {
  struct Slot {
    bool live = false;
    std::string id, title, body, metadata;
  };
  std::vector<Slot> slots;
  std::vector<uint64_t> free;

  static Store parse(const std::vector<uint8_t>& bytes) {
    ByteReader in(bytes.data(), bytes.size(), "test");
    Store s;
    s.slots.resize(in.varint());
    for (Slot& slot : s.slots) {
      slot.live = in.u8() != 0;
      if (!slot.live) continue;
      slot.id = in.str();
      slot.title = in.str();
      slot.body = in.str();
      slot.metadata = in.str();
    }
    for (uint64_t n = in.varint(); n > 0; --n) s.free.push_back(in.varint());
    return s;
  }
  std::vector<uint8_t> encode() const {
    ByteWriter out;
    out.varint(slots.size());
    for (const Slot& slot : slots) {
      out.u8(slot.live);
      if (!slot.live) continue;
      for (const auto* f : {&slot.id, &slot.title, &slot.body, &slot.metadata}) out.str(*f);
    }
    out.varint(free.size());
    for (uint64_t slot : free) out.varint(slot);
    return out.take();
  }
};

// An HNSW dense section (hnsw_index.cpp: HnswIndex::save).
struct Graph {
  struct Node {
    uint64_t slot = 0, level = 0;
    uint8_t deleted = 0;
    std::vector<uint8_t> vector;               // stored bytes (floats, or codes [+ floats])
    std::vector<std::vector<uint64_t>> links;  // by level
  };
  std::vector<uint8_t> quantizer;  // int8: flag, quantizer and pending vectors, as stored
  uint64_t max_level = 0, entry = 0;
  std::vector<Node> nodes;

  static Graph parse(const std::vector<uint8_t>& bytes, uint32_t dim, bool int8, bool keep) {
    ByteReader in(bytes.data(), bytes.size(), "test");
    Graph g;
    if (int8) {
      const uint8_t* at = in.position();
      if (in.u8()) in.raw(4 + 4 * size_t(dim));
      for (uint64_t n = in.varint(); n > 0; --n) {
        in.varint();
        in.raw(4 * size_t(dim));
      }
      g.quantizer = slice(at, in.position());
    }
    g.nodes.resize(in.varint());
    g.max_level = in.varint();
    g.entry = in.varint();
    const size_t vector_bytes = int8 ? dim + (keep ? 4 * size_t(dim) : 0) : 4 * size_t(dim);
    for (Node& n : g.nodes) {
      n.slot = in.varint();
      n.level = in.varint();
      n.deleted = in.u8();
      const uint8_t* v = in.raw(vector_bytes);
      n.vector.assign(v, v + vector_bytes);
      n.links.resize(n.level + 1);
      for (auto& list : n.links) {
        list.resize(in.varint());
        for (auto& id : list) id = in.varint();
      }
    }
    REQUIRE(in.done());
    return g;
  }
  std::vector<uint8_t> encode() const {
    ByteWriter out;
    out.raw(quantizer.data(), quantizer.size());
    out.varint(nodes.size());
    out.varint(max_level);
    out.varint(entry);
    for (const Node& n : nodes) {
      out.varint(n.slot);
      out.varint(n.level);
      out.u8(n.deleted);
      out.raw(n.vector.data(), n.vector.size());
      for (const auto& list : n.links) {
        out.varint(list.size());
        for (uint64_t id : list) out.varint(id);
      }
    }
    return out.take();
  }
};

DocumentInput doc(std::string id, std::string body, std::optional<std::vector<float>> v = {}) {
  return DocumentInput{std::move(id), "", std::move(body), "", std::move(v)};
}

SearchRequest text_query(std::string text) {
  SearchRequest r;
  r.text = std::move(text);
  r.k = 10;
  return r;
}

SearchRequest vector_query(std::vector<float> v) {
  SearchRequest r;
  r.vector = std::move(v);
  r.k = 10;
  r.mode = SearchMode::kDense;
  return r;
}

// Runs `body` and expects CORRUPT_DATA whose message names `section`.
template <typename Body>
void expect_corrupt(Body&& body, const std::string& section) {
  try {
    body();
    FAIL("expected CORRUPT_DATA naming the " << section);
  } catch (const Error& e) {
    CHECK_MESSAGE(e.code() == ErrorCode::kCorruptData, e.what());
    CHECK_MESSAGE(std::string(e.what()).find(section) != std::string::npos, e.what());
  }
}

Collection text_collection(int documents, int deleted_from = -1) {
  Collection c{CollectionOptions{}};
  std::vector<DocumentInput> docs;
  for (int i = 0; i < documents; ++i)
    docs.push_back(doc("d" + std::to_string(i), "flow over plate " + std::to_string(i)));
  c.add(docs);
  std::vector<std::string> gone;
  for (int i = 0; deleted_from >= 0 && i < deleted_from; ++i)
    gone.push_back("d" + std::to_string(i));
  if (!gone.empty()) c.remove(gone);
  return c;
}

CollectionOptions dense_options(uint32_t dim, IndexKind kind, Quantization q = Quantization::kNone,
                                bool keep = false) {
  CollectionOptions o;
  o.dense.dimension = dim;
  o.dense.kind = kind;
  o.dense.quantization = q;
  o.dense.keep_float = keep;
  o.dense.hnsw.ef_construction = 40;
  return o;
}

Collection dense_collection(const CollectionOptions& o, int documents, uint32_t seed = 5) {
  std::mt19937 rng(seed);
  Collection c(o);
  std::vector<DocumentInput> docs;
  for (int i = 0; i < documents; ++i)
    docs.push_back(doc("d" + std::to_string(i), "word" + std::to_string(i % 7),
                       random_vector(rng, o.dense.dimension)));
  c.add(docs);
  return c;
}

// A store of `slots` slots, all free but `live` (document "d<live>", no text).
std::vector<uint8_t> free_slots_store(size_t slots, size_t live) {
  Store store;
  store.slots.resize(slots);
  store.slots[live] = {true, "d" + std::to_string(live), "", "", ""};
  for (size_t i = 0; i < slots; ++i)
    if (i != live) store.free.push_back(i);
  return store.encode();
}

// A BM25 section with the parameters of `like`, for documents without text.
std::vector<uint8_t> textless_bm25(const std::vector<uint8_t>& like, uint64_t documents,
                                   size_t slots) {
  ByteWriter out;
  out.raw(like.data(), 1 + 16);  // layout, parameters
  out.varint(documents);
  out.varint(slots);
  for (size_t i = 0; i < 2 * slots; ++i) out.varint(0);
  out.varint(0);  // no terms
  return out.take();
}

}  // namespace

TEST_CASE("crafted: the split/join helpers rebuild a file byte for byte") {
  Collection c = dense_collection(dense_options(4, IndexKind::kHnsw), 30);
  c.remove({"d3"});
  const auto bytes = c.serialize();
  CHECK(join(split(bytes)) == bytes);
  const Parts p = split(bytes);
  CHECK(Store::parse(p.store).encode() == p.store);
  CHECK(Graph::parse(p.dense, 4, false, false).encode() == p.dense);
}

TEST_CASE("crafted: BM25 slots beyond the document store are refused at load") {
  // The BM25 section of a collection with 10 slots (3 live) in one whose store has 3 slots:
  // document counts agree, but postings point to slots 7..9, past the store's end.
  Collection big = text_collection(10, 7), small = text_collection(3);
  Parts p = split(small.serialize());
  p.bm25 = split(big.serialize()).bm25;
  const auto crafted = join(p);
  expect_corrupt([&] { Collection::deserialize(crafted.data(), crafted.size()); }, "bm25 section");

  // Text lengths at a free slot: a removal would subtract them from lengths it never counted.
  Collection holes = text_collection(6, 0);
  holes.remove({"d1"});
  Parts q = split(holes.serialize());
  Parts full = split(text_collection(6).serialize());
  q.bm25 = full.bm25;  // 6 documents with text, for a store of 5 live and 1 free slot
  const auto shifted = join(q);
  expect_corrupt([&] { Collection::deserialize(shifted.data(), shifted.size()); }, "bm25 section");
  // The untouched file loads and answers.
  const auto fine = small.serialize();
  CHECK(Collection::deserialize(fine.data(), fine.size()).search(text_query("plate")).size() == 3);
}

TEST_CASE("crafted: HNSW links to nodes below the link's level are refused") {
  for (bool int8 : {false, true}) {
    CAPTURE(int8);
    const auto o =
        dense_options(8, IndexKind::kHnsw, int8 ? Quantization::kInt8 : Quantization::kNone, int8);
    // int8 builds its graph once 1024 vectors have arrived.
    Collection c = dense_collection(o, int8 ? 1100 : 300);
    const auto bytes = c.serialize();
    const Parts parts = split(bytes);
    const Graph graph = Graph::parse(parts.dense, 8, int8, int8);
    // A node with a level-1 list, and a node of level 0 to point it at.
    size_t upper = graph.nodes.size(), ground = graph.nodes.size();
    for (size_t i = 0; i < graph.nodes.size(); ++i) {
      if (graph.nodes[i].level >= 1 && !graph.nodes[i].links[1].empty() &&
          upper == graph.nodes.size())
        upper = i;
      if (graph.nodes[i].level == 0 && ground == graph.nodes.size()) ground = i;
    }
    REQUIRE(upper < graph.nodes.size());
    REQUIRE(ground < graph.nodes.size());

    auto crafted = [&](auto&& change) {
      Graph g = graph;
      change(g);
      Parts p = parts;
      p.dense = g.encode();
      return join(p);
    };
    std::mt19937 rng(3);
    auto expect_refused = [&](const std::vector<uint8_t>& file) {
      // The dense index is decoded on first use: the search, or the upsert that needs it.
      Collection loaded = Collection::deserialize(file.data(), file.size());
      expect_corrupt([&] { loaded.search(vector_query(random_vector(rng, 8))); }, "dense section");
      Collection again = Collection::deserialize(file.data(), file.size());
      expect_corrupt(
          [&] {
            again.upsert({doc("d1", "new", random_vector(rng, 8))});
            again.search(vector_query(random_vector(rng, 8)));
          },
          "dense section");
    };
    expect_refused(crafted([&](Graph& g) { g.nodes[upper].links[1][0] = ground; }));
    expect_refused(crafted([&](Graph& g) { g.nodes[upper].links[1][0] = upper; }));  // itself
    expect_refused(crafted([&](Graph& g) { g.nodes[upper].links[0][0] = g.nodes.size(); }));
    expect_refused(crafted([&](Graph& g) {  // more links than M allows on level 1
      g.nodes[upper].links[1].assign(o.dense.hnsw.m + 1, g.entry);
    }));
    expect_refused(crafted([&](Graph& g) { g.nodes[ground].deleted = 2; }));
    // The untouched graph still loads and answers.
    Collection fine = Collection::deserialize(bytes.data(), bytes.size());
    CHECK(fine.search(vector_query(random_vector(rng, 8))).size() == 10);
  }
}

TEST_CASE("crafted: stored text that is not UTF-8 is refused when decoded") {
  Collection c = text_collection(4);
  Parts p = split(c.serialize());
  Store store = Store::parse(p.store);
  store.slots[2].body = "flow \xE2\x82";  // a 3-byte sequence cut after 2 bytes, at the end
  p.store = store.encode();
  const auto crafted = join(p);
  Collection loaded = Collection::deserialize(crafted.data(), crafted.size());
  expect_corrupt([&] { loaded.find("d2"); }, "documents section");
  expect_corrupt([&] { loaded.remove({"d2"}); }, "documents section");
  CHECK(loaded.find("d1") != nullptr);  // the others are fine

  store.slots[2].body = "flow";
  store.slots[1].id = "d\xFF";  // ids are checked at load: every lookup compares them
  p.store = store.encode();
  const auto bad_id = join(p);
  expect_corrupt([&] { Collection::deserialize(bad_id.data(), bad_id.size()); },
                 "documents section");
}

TEST_CASE("crafted: counts are bounded by the bytes that remain, before any allocation") {
  Collection c = text_collection(3);
  const auto bytes = c.serialize();
  Parts p = split(bytes);
  // A slot count of 2^40 in a file of a few hundred bytes.
  ByteWriter huge;
  huge.varint(uint64_t(1) << 40);
  Store store = Store::parse(p.store);
  std::vector<uint8_t> tail = store.encode();
  tail.erase(tail.begin());  // the count was one byte (3 slots)
  p.store = huge.take();
  p.store.insert(p.store.end(), tail.begin(), tail.end());
  const auto crafted = join(p);
  const long long peak = peak_allocation([&] {
    expect_corrupt([&] { Collection::deserialize(crafted.data(), crafted.size()); },
                   "documents section");
  });
  CHECK(peak < 64 * 1024);
}

TEST_CASE("crafted: a flat index's memory follows its vectors, not its highest slot") {
  // 100,000 slots (all but the last free, 2 bytes each) and one 2048-d vector at the last: the
  // first dense search allocated slots x dimension floats (800 MB) before.
  const uint32_t dim = 2048;
  const size_t slots = 100000;
  std::mt19937 rng(1);
  Collection one(dense_options(dim, IndexKind::kFlat));
  one.add({doc("last", "", random_vector(rng, dim))});
  Parts p = split(one.serialize());
  p.store = free_slots_store(slots, slots - 1);
  p.bm25 = textless_bm25(p.bm25, 1, slots);
  const auto v = random_vector(rng, dim);
  auto flat = [&](uint64_t slot, const std::vector<float>& vector) {
    ByteWriter dense;
    dense.varint(1);
    dense.varint(slot);
    dense.floats(vector.data(), dim);
    return dense.take();
  };
  p.dense = flat(slots - 1, v);
  const auto crafted = join(p);
  CHECK(crafted.size() < 700 * 1024);
  Collection loaded = Collection::deserialize(crafted.data(), crafted.size());
  const long long peak = peak_allocation([&] {
    auto hits = loaded.search(vector_query(v));
    REQUIRE(hits.size() == 1);
    CHECK(loaded.document(hits[0].slot).id == "d" + std::to_string(slots - 1));
  });
  CHECK(peak < 4 * (long long)crafted.size());

  // A vector slot beyond the store, and a component that is not finite.
  p.dense = flat(slots, v);
  const auto far = join(p);
  Collection far_loaded = Collection::deserialize(far.data(), far.size());
  expect_corrupt([&] { far_loaded.search(vector_query(v)); }, "dense section");
  auto bad = v;
  bad[7] = std::numeric_limits<float>::quiet_NaN();
  p.dense = flat(slots - 1, bad);
  const auto with_nan = join(p);
  Collection nan_loaded = Collection::deserialize(with_nan.data(), with_nan.size());
  expect_corrupt([&] { nan_loaded.search(vector_query(v)); }, "dense section");
}

TEST_CASE("crafted: opening a store of many slots costs memory in proportion to its bytes") {
  // 1,000,000 slots, all free but one: 2 bytes each in the store and 2 in the BM25 lengths.
  // Opening allocated ~44 bytes per stored byte before (an id table sized by slots).
  const size_t slots = 1000000;
  Parts p = split(text_collection(1).serialize());
  p.store = free_slots_store(slots, 0);
  p.bm25 = textless_bm25(p.bm25, 1, slots);
  const auto crafted = join(p);
  const long long peak = peak_allocation([&] {
    Collection loaded = Collection::deserialize(crafted.data(), crafted.size());
    CHECK(loaded.find("d0") != nullptr);
  });
  CHECK(peak < 10 * (long long)crafted.size());

  // The same slots flagged free with no free list (1 byte each): refused, after as little.
  Store store;
  store.slots.resize(slots);
  p.store = store.encode();
  const auto refused = join(p);
  const long long spent = peak_allocation([&] {
    expect_corrupt([&] { Collection::deserialize(refused.data(), refused.size()); },
                   "documents section");
  });
  CHECK(spent < 12 * (long long)refused.size());
}

TEST_CASE("crafted: a change record's memory does not grow with its removals") {
  Collection c = text_collection(3);
  c.set_journaling(true);
  c.snapshot_saved();
  c.remove({"d1"});
  const auto record = c.take_journal();
  // One removal of 2,000,000 two-byte ids (4 MB): 64 MB of strings when decoded at once.
  ByteWriter payload;
  payload.varint(1);
  payload.u8(2);
  const size_t ids = 2000000;
  payload.varint(ids);
  for (size_t i = 0; i < ids; ++i) payload.str(i == 5 ? "d2" : "x");
  auto rewrap = [&](const std::vector<uint8_t>& body) {
    ByteWriter out;
    out.raw(record.data(), 12);  // magic and version
    out.u32(crc32c(body.data(), body.size()));
    out.u64(body.size());
    out.raw(body.data(), body.size());
    return out.take();
  };
  const auto big = rewrap(payload.bytes());
  Collection target = text_collection(3);
  const long long peak = peak_allocation([&] { target.apply_journal(big.data(), big.size()); });
  CHECK(target.find("d2") == nullptr);
  CHECK(target.find("d0") != nullptr);
  CHECK(peak < (long long)big.size());

  // Empty ids, empty operations, and a count of 2^40 are refused before anything changes.
  for (const std::vector<uint8_t>& body :
       {std::vector<uint8_t>{1, 2, 1, 0}, std::vector<uint8_t>{1, 2, 0},
        std::vector<uint8_t>{1, 1, 0}, std::vector<uint8_t>{0x80, 0x80, 0x80, 0x80, 0x80, 0x20}}) {
    const auto bad = rewrap(body);
    const long long used = peak_allocation([&] {
      CHECK_OSPREY_ERROR(target.apply_journal(bad.data(), bad.size()), ErrorCode::kCorruptData);
    });
    CHECK(used < 64 * 1024);
    CHECK(target.find("d0") != nullptr);
  }
}

TEST_CASE("crafted: the int8 quantizer with a denormal step encodes without NaN codes") {
  ByteWriter w;
  w.f32(1e-40f);  // denormal: 1 / step is infinite, and 0 * inf is NaN
  w.f32(0.5f);
  w.f32(-0.25f);
  ByteReader in(w.bytes().data(), w.size(), "test");
  const ScalarQuantizer q = ScalarQuantizer::load(in, 2);
  const float v[2] = {0.5f, 3.0f};
  int8_t codes[2];
  q.encode(v, codes);
  CHECK(codes[0] == 0);
  CHECK(codes[1] == 127);
}

// Writes the seed corpus of tests/fuzz/collection_fuzz.cpp: small real collections of every
// kind, and a change record. Skipped in normal runs; regenerate with
//   build/native/osprey_tests -tc='fuzz seeds*' --no-skip
TEST_CASE("fuzz seeds: write tests/fuzz/corpus/collection_fuzz" * doctest::skip()) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(__FILE__).parent_path() / "../fuzz/corpus/collection_fuzz";
  fs::create_directories(dir);
  size_t total = 0;
  auto write = [&](const std::string& name, const std::vector<uint8_t>& bytes) {
    CHECK_MESSAGE(bytes.size() < 64 * 1024, name);
    std::ofstream out(dir / name, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), long(bytes.size()));
    total += bytes.size();
  };
  auto with_text = [](int i) {
    DocumentInput d;
    d.id = "d" + std::to_string(i);
    d.title = i % 3 ? "Boundary layers" : "";
    d.body = i % 4 ? "flow over a flat plate, word" + std::to_string(i % 5) + " \u00e9t\u00e9" : "";
    d.metadata_json = i % 2 ? "{\"n\":" + std::to_string(i) + ",\"tag\":[\"a\"]}" : "";
    return d;
  };
  auto build = [&](const CollectionOptions& o, int documents, int text_every) {
    std::mt19937 rng(7);
    Collection c(o);
    std::vector<DocumentInput> docs;
    for (int i = 0; i < documents; ++i) {
      DocumentInput d = i % text_every == 0 ? with_text(i) : doc("d" + std::to_string(i), "");
      if (o.dense.dimension) d.vector = random_vector(rng, o.dense.dimension);
      docs.push_back(std::move(d));
    }
    c.add(docs);
    c.remove({"d1", "d4"});
    return c;
  };
  write("text.osp", build(CollectionOptions{}, 12, 1).serialize());
  {
    Collection c = build(CollectionOptions{}, 8, 1);
    c.rerank_state().feedback.record("flat plate", "d2", 1.0f);
    c.add({with_text(20)});  // reuses a free slot
    write("text_feedback.osp", c.serialize());
  }
  write("hnsw_float.osp", build(dense_options(4, IndexKind::kHnsw), 60, 3).serialize());
  write("flat.osp", build(dense_options(3, IndexKind::kFlat), 20, 2).serialize());
  write("int8_pending.osp",
        build(dense_options(4, IndexKind::kHnsw, Quantization::kInt8), 20, 2).serialize());
  for (bool keep : {false, true}) {
    CollectionOptions o = dense_options(2, IndexKind::kHnsw, Quantization::kInt8, keep);
    o.dense.hnsw.m = 3;
    o.dense.metric = keep ? Metric::kL2 : Metric::kCosine;
    write(keep ? "int8_keep.osp" : "int8.osp", build(o, 1030, 97).serialize());
  }
  write("version2.osp", test::kVersion2);
  write("version3.osp", test::kVersion3);
  {
    Collection c = build(dense_options(4, IndexKind::kHnsw), 6, 1);
    c.set_journaling(true);
    c.snapshot_saved();
    std::mt19937 rng(2);
    DocumentInput d = with_text(30);
    d.vector = random_vector(rng, 4);
    c.upsert({d});
    c.remove({"d2"});
    write("journal.rec", c.take_journal());
  }
  CHECK(total < 1024 * 1024);
}
