// Approximate nearest neighbours with hnswlib's HNSW graph (Malkov & Yashunin), distances from
// Osprey's SIMD kernels, over float32 vectors or int8 codes (scalar_quantizer.h). hnswlib builds
// the graph; queries walk it with Osprey's own search (filters inside the walk, re-scoring of
// int8 candidates with the kept floats). The graph is saved in Osprey's own portable format, not
// hnswlib's file (whose size_t fields differ between native and wasm32 builds).
#pragma once

#include <memory>

#include "dense/scalar_quantizer.h"
#include "dense/vector_index.h"

// hnswlib 0.6.2's headers define globals, so exactly one file (hnsw_index.cpp) may include them.
namespace hnswlib {
template <typename dist_t>
class HierarchicalNSW;
}

namespace osprey {

class HnswIndex : public VectorIndex {
 public:
  // int8 parameters are fitted once this many vectors have arrived; until then the (few)
  // vectors are kept as floats and searched exactly.
  static constexpr size_t kQuantizerTrainCount = 1024;

  explicit HnswIndex(DenseOptions options);
  ~HnswIndex() override;

  void add(uint32_t slot, const float* vector) override;
  void add_batch(const std::vector<uint32_t>& slots,
                 const std::vector<const float*>& vectors) override;
  void remove(uint32_t slot) override;
  bool contains(uint32_t slot) const override;
  size_t size() const override;
  std::vector<ScoredSlot> search(const DenseQuery& query) const override;
  void save(ByteWriter& out) const override;
  static std::unique_ptr<HnswIndex> load(const DenseOptions& options, ByteReader& in,
                                         size_t slot_limit);

  bool quantized() const { return options_.quantization == Quantization::kInt8; }
  // Threads used by add_batch for large batches (1 in single-threaded WASM builds).
  static unsigned build_threads();

 private:
  class Space;
  struct Walk;
  void insert(const std::vector<uint32_t>& slots, const std::vector<const float*>& vectors);
  void fit_quantizer(const std::vector<const float*>& sample);
  void ensure_capacity(size_t elements);
  std::vector<ScoredSlot> search_pending(const DenseQuery& query) const;

  std::unique_ptr<Space> space_;  // must outlive graph_, which keeps a pointer into it
  std::unique_ptr<hnswlib::HierarchicalNSW<float>> graph_;
  bool fitted_ = true;  // false: int8 before kQuantizerTrainCount vectors arrived
  std::vector<uint32_t> pending_slots_;
  std::vector<float> pending_vectors_;
  std::vector<float> floats_;  // int8 with keep_float: the exact vectors, by graph node
};

}  // namespace osprey
