// Open-addressing hash map from byte strings to token ids, looked up by string_view without
// allocating (the hot path of every model).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace osprey::tokenizers {

class StringIdMap {
 public:
  // Inserts or overwrites.
  void insert(std::string_view key, int32_t id);
  int32_t find(std::string_view key) const;  // -1 if absent
  size_t size() const { return count_; }
  size_t max_key_length() const { return max_key_length_; }

 private:
  static uint64_t hash(std::string_view s) {
    uint64_t h = 1469598103934665603ull;  // FNV-1a
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
    return h ^ (h >> 29);
  }
  void grow();

  struct Slot {
    uint32_t offset = 0, length = 0;
    int32_t id = -1;
  };
  std::string storage_;
  std::vector<Slot> slots_;
  size_t count_ = 0;
  size_t max_key_length_ = 0;
};

}  // namespace osprey::tokenizers
