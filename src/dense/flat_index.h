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
  bool contains(uint32_t slot) const override {
    return slot < row_of_slot_.size() && row_of_slot_[slot] != kNoRow;
  }
  size_t size() const override { return slot_of_row_.size(); }
  std::vector<ScoredSlot> search(const DenseQuery& query) const override;
  void save(ByteWriter& out) const override;
  static std::unique_ptr<FlatIndex> load(const DenseOptions& options, ByteReader& in,
                                         size_t slot_limit);

 private:
  static constexpr uint32_t kNoRow = ~uint32_t(0);
  // Rows hold only present vectors (a removed one's place is taken by the last row), so memory
  // follows the vector count, not the highest slot ever used.
  std::vector<float> vectors_;         // row-major, dimension floats each
  std::vector<uint32_t> slot_of_row_;  // by row
  std::vector<uint32_t> row_of_slot_;  // by slot; kNoRow when absent
};

}  // namespace osprey
