#include "dense/flat_index.h"

#include <algorithm>
#include <cmath>

namespace osprey {

void FlatIndex::add(uint32_t slot, const float* vector) {
  const size_t dim = options_.dimension;
  if (row_of_slot_.size() <= slot) row_of_slot_.resize(size_t(slot) + 1, kNoRow);
  row_of_slot_[slot] = uint32_t(slot_of_row_.size());
  slot_of_row_.push_back(slot);
  vectors_.insert(vectors_.end(), vector, vector + dim);
}

void FlatIndex::remove(uint32_t slot) {
  const size_t dim = options_.dimension;
  const uint32_t row = row_of_slot_[slot], last = uint32_t(slot_of_row_.size() - 1);
  if (row != last) {
    std::copy(vectors_.begin() + long(size_t(last) * dim), vectors_.end(),
              vectors_.begin() + long(size_t(row) * dim));
    slot_of_row_[row] = slot_of_row_[last];
    row_of_slot_[slot_of_row_[row]] = row;
  }
  vectors_.resize(size_t(last) * dim);
  slot_of_row_.pop_back();
  row_of_slot_[slot] = kNoRow;
}

std::vector<ScoredSlot> FlatIndex::search(const DenseQuery& query) const {
  const size_t dim = options_.dimension;
  return exact_top_k(options_, query, [&](auto&& visit) {
    for (size_t row = 0; row < slot_of_row_.size(); ++row)
      visit(slot_of_row_[row], vectors_.data() + row * dim);
  });
}

// Vectors in slot order: the same collection always serializes to the same bytes.
void FlatIndex::save(ByteWriter& out) const {
  out.varint(size());
  for (size_t slot = 0; slot < row_of_slot_.size(); ++slot) {
    const uint32_t row = row_of_slot_[slot];
    if (row == kNoRow) continue;
    out.varint(slot);
    out.floats(vectors_.data() + size_t(row) * options_.dimension, options_.dimension);
  }
}

std::unique_ptr<FlatIndex> FlatIndex::load(const DenseOptions& options, ByteReader& in,
                                           size_t slot_limit) {
  auto index = std::make_unique<FlatIndex>(options);
  const size_t dim = options.dimension;
  const size_t n = in.count(1 + 4 * dim);
  if (n > slot_limit) in.fail("more vectors than document slots");
  index->vectors_.reserve(n * dim);
  index->slot_of_row_.reserve(n);
  std::vector<float> v(dim);
  uint64_t previous = 0;
  for (size_t i = 0; i < n; ++i) {
    const uint64_t slot = in.varint();
    if (slot >= slot_limit) {
      in.fail("a vector for slot " + std::to_string(slot) + " beyond the " +
              std::to_string(slot_limit) + " document slots");
    }
    if (i > 0 && slot <= previous) in.fail("vector slots not in increasing order");
    previous = slot;
    in.floats(v.data(), dim);
    for (float x : v) {
      if (!std::isfinite(x)) in.fail("a vector component is not finite");
    }
    index->add(uint32_t(slot), v.data());
  }
  return index;
}

}  // namespace osprey
