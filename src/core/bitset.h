// A fixed-size set of slots, used for filters and deletion marks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace osprey {

class Bitset {
 public:
  Bitset() = default;
  explicit Bitset(size_t size) : size_(size), words_((size + 63) / 64, 0) {}

  size_t size() const { return size_; }
  bool test(size_t i) const { return i < size_ && (words_[i >> 6] >> (i & 63)) & 1; }
  void set(size_t i) { words_[i >> 6] |= uint64_t(1) << (i & 63); }
  void reset(size_t i) { words_[i >> 6] &= ~(uint64_t(1) << (i & 63)); }
  // Whole words at a time; `other` must have the same size.
  void intersect(const Bitset& other) {
    for (size_t w = 0; w < words_.size(); ++w) words_[w] &= other.words_[w];
  }
  void subtract(const Bitset& other) {
    for (size_t w = 0; w < words_.size(); ++w) words_[w] &= ~other.words_[w];
  }
  size_t count() const {
    size_t n = 0;
    for (uint64_t w : words_) n += size_t(__builtin_popcountll(w));
    return n;
  }

 private:
  size_t size_ = 0;
  std::vector<uint64_t> words_;
};

}  // namespace osprey
