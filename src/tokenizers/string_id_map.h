// Open-addressing hash map from byte strings to token ids, looked up by string_view without
// allocating (the hot path of every model).
#pragma once

#include <cstdint>
#include <cstring>
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
  // Multiply-mix over 8-byte words (tokens are short; this is the models' hottest function).
  static uint64_t hash(std::string_view s) {
    uint64_t h = 0x9E3779B97F4A7C15ull ^ s.size();
    size_t i = 0;
    for (; i + 8 <= s.size(); i += 8) {
      uint64_t w;
      std::memcpy(&w, s.data() + i, 8);
      h = (h ^ w) * 0xBF58476D1CE4E5B9ull;
      h ^= h >> 31;
    }
    uint64_t tail = 0;
    std::memcpy(&tail, s.data() + i, s.size() - i);
    h = (h ^ tail) * 0x94D049BB133111EBull;
    return h ^ (h >> 29);
  }
  void grow();

  struct Slot {
    uint32_t offset = 0, length = 0;
    int32_t id = -1;
    uint32_t hash = 0;  // low bits of the hash: most mismatches fail without touching the key
  };
  std::string storage_;
  std::vector<Slot> slots_;
  size_t count_ = 0;
  size_t max_key_length_ = 0;
};

}  // namespace osprey::tokenizers
