// Exact search over a dense array of vectors: the right index below ~10k vectors, and the
// ground truth for HNSW.
#pragma once

#include "dense/vector_index.h"

namespace osprey {

class FlatIndex : public VectorIndex {
 public:
  explicit FlatIndex(DenseOptions options) : VectorIndex(options) {}

  void add(uint32_t slot, const float* vector) override;
  void remove(uint32_t slot) override;
  bool contains(uint32_t slot) const override { return slot < present_.size() && present_[slot]; }
  size_t size() const override { return count_; }
  std::vector<ScoredSlot> search(const DenseQuery& query) const override;
  void save(ByteWriter& out) const override;
  static std::unique_ptr<FlatIndex> load(const DenseOptions& options, ByteReader& in,
                                         size_t slot_limit);

 private:
  std::vector<float> vectors_;  // slot-major, dimension floats each
  std::vector<bool> present_;
  size_t count_ = 0;
};

}  // namespace osprey
