// Approximate nearest neighbours with hnswlib's HNSW graph (Malkov & Yashunin), distances from
// Osprey's SIMD kernels. The graph is saved in Osprey's own portable format, not hnswlib's file
// (whose size_t fields differ between native and wasm32 builds).
#pragma once

#include <memory>

#include "dense/vector_index.h"

// hnswlib 0.6.2's headers define globals, so exactly one file (hnsw_index.cpp) may include them.
namespace hnswlib {
template <typename dist_t>
class HierarchicalNSW;
}

namespace osprey {

class HnswIndex : public VectorIndex {
 public:
  explicit HnswIndex(DenseOptions options);
  ~HnswIndex() override;

  void add(uint32_t slot, const float* vector) override;
  void remove(uint32_t slot) override;
  bool contains(uint32_t slot) const override;
  size_t size() const override;
  std::vector<ScoredSlot> search(const DenseQuery& query) const override;
  void save(ByteWriter& out) const override;
  static std::unique_ptr<HnswIndex> load(const DenseOptions& options, ByteReader& in,
                                         size_t slot_limit);

 private:
  class Space;
  std::vector<ScoredSlot> exact(const DenseQuery& query) const;
  std::vector<ScoredSlot> approximate(const DenseQuery& query, size_t k, uint32_t ef) const;

  std::unique_ptr<Space> space_;  // must outlive graph_, which keeps a pointer into it
  std::unique_ptr<hnswlib::HierarchicalNSW<float>> graph_;
};

}  // namespace osprey
