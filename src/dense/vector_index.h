// One interface, several dense indexes (as in Faiss): exact flat search and HNSW. Vectors arrive
// prepared by prepare_vector(); slots are the collection's document slots.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/bitset.h"
#include "core/byte_io.h"
#include "core/scored.h"
#include "dense/metric.h"

namespace osprey {

enum class IndexKind : uint8_t { kHnsw = 0, kFlat = 1 };

IndexKind parse_index_kind(const std::string& name);  // "hnsw" | "flat"

// How the HNSW index stores vectors: float32, or int8 codes (4x smaller; see scalar_quantizer.h).
enum class Quantization : uint8_t { kNone = 0, kInt8 = 1 };

Quantization parse_quantization(const std::string& name);  // "none" | "int8"

struct HnswParams {
  uint32_t m = 16;                 // graph degree: 16 suits 100-1000 dimensions (hnswlib default)
  uint32_t ef_construction = 200;  // build beam width: recall > 0.95 at ef_search 64
  uint32_t ef_search = 64;         // default query beam width; per-query override
  uint32_t seed = 100;
  // Expected number of vectors (not saved): the graph is allocated once at this size. Growing
  // later copies the graph's one big block, so growth briefly needs old + new size in memory;
  // a million int8 vectors fit a 1 GB WASM heap only when reserved up front.
  uint32_t capacity = 0;
  // Threads that insert a large batch (not saved): 0 = HnswIndex::build_threads().
  uint32_t build_threads = 0;

  void validate() const;
};

struct DenseOptions {
  uint32_t dimension = 0;
  Metric metric = Metric::kCosine;
  IndexKind kind = IndexKind::kHnsw;
  HnswParams hnsw;
  Quantization quantization = Quantization::kNone;
  // With int8 codes: also keep the float vectors, to re-score the graph's candidates exactly.
  bool keep_float = false;

  void validate() const;
  void save(ByteWriter& out) const;
  static DenseOptions load(ByteReader& in);
};

struct DenseQuery {
  const float* vector;  // prepared, options().dimension floats
  size_t k;
  const Bitset* allowed = nullptr;  // only these slots may be returned
  uint32_t ef = 0;                  // 0: the index default
  bool exact = false;               // brute force, whatever the index kind
};

class VectorIndex {
 public:
  virtual ~VectorIndex() = default;

  virtual void add(uint32_t slot, const float* vector) = 0;  // slot must be free
  // Adds many vectors at once (slots free and distinct); an index may build in parallel.
  virtual void add_batch(const std::vector<uint32_t>& slots,
                         const std::vector<const float*>& vectors) {
    for (size_t i = 0; i < slots.size(); ++i) add(slots[i], vectors[i]);
  }
  virtual void remove(uint32_t slot) = 0;  // slot must hold a vector
  virtual bool contains(uint32_t slot) const = 0;
  virtual size_t size() const = 0;
  virtual std::vector<ScoredSlot> search(const DenseQuery& query) const = 0;
  virtual void save(ByteWriter& out) const = 0;

  const DenseOptions& options() const { return options_; }

 protected:
  explicit VectorIndex(DenseOptions options) : options_(options) {}
  DenseOptions options_;
};

std::unique_ptr<VectorIndex> make_vector_index(const DenseOptions& options);
// `slot_limit` bounds the slots a stored index may use (the collection's slot count), so corrupt
// bytes cannot make it allocate without limit.
std::unique_ptr<VectorIndex> load_vector_index(const DenseOptions& options, ByteReader& in,
                                               size_t slot_limit);

// Brute-force top-k over (slot, vector) pairs produced by `for_each`: the reference that
// approximate search is measured against, and the fallback for very selective filters.
template <typename ForEach>
std::vector<ScoredSlot> exact_top_k(const DenseOptions& options, const DenseQuery& query,
                                    ForEach for_each) {
  std::vector<ScoredSlot> hits;
  for_each([&](uint32_t slot, const float* v) {
    if (query.allowed && !query.allowed->test(slot)) return;
    float d = distance_between(options.metric, query.vector, v, options.dimension);
    hits.push_back({slot, score_from_distance(options.metric, d)});
  });
  keep_top_k(hits, query.k);
  return hits;
}

}  // namespace osprey
