#include "dense/flat_index.h"

#include <algorithm>

namespace osprey {

void FlatIndex::add(uint32_t slot, const float* vector) {
  const size_t dim = options_.dimension;
  if (present_.size() <= slot) {
    present_.resize(slot + 1, false);
    vectors_.resize(present_.size() * dim);
  }
  std::copy(vector, vector + dim, vectors_.begin() + long(slot * dim));
  present_[slot] = true;
  count_++;
}

void FlatIndex::remove(uint32_t slot) {
  present_[slot] = false;
  count_--;
}

std::vector<ScoredSlot> FlatIndex::search(const DenseQuery& query) const {
  const size_t dim = options_.dimension;
  return exact_top_k(options_, query, [&](auto&& visit) {
    for (size_t slot = 0; slot < present_.size(); ++slot) {
      if (present_[slot]) visit(uint32_t(slot), vectors_.data() + slot * dim);
    }
  });
}

void FlatIndex::save(ByteWriter& out) const {
  out.varint(count_);
  for (size_t slot = 0; slot < present_.size(); ++slot) {
    if (!present_[slot]) continue;
    out.varint(slot);
    out.floats(vectors_.data() + slot * options_.dimension, options_.dimension);
  }
}

std::unique_ptr<FlatIndex> FlatIndex::load(const DenseOptions& options, ByteReader& in,
                                           size_t slot_limit) {
  auto index = std::make_unique<FlatIndex>(options);
  size_t n = in.count(1 + 4 * size_t(options.dimension));
  std::vector<float> v(options.dimension);
  for (size_t i = 0; i < n; ++i) {
    uint64_t slot = in.varint();
    if (slot >= slot_limit || index->contains(uint32_t(slot))) in.fail("bad vector slot");
    in.floats(v.data(), v.size());
    index->add(uint32_t(slot), v.data());
  }
  return index;
}

}  // namespace osprey
