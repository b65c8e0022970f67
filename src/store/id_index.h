// Document id -> slot, as an open-addressing hash table of (hash, slot) pairs that keeps no copy
// of the ids: it asks the store for a slot's id when hashes match. Loading a collection fills it
// straight from the stored ids (views into the loaded bytes), with no allocation per document.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace osprey {

class IdIndex {
 public:
  // `id_of(slot)` returns the id of a slot the index holds.
  template <typename IdOf>
  std::optional<uint32_t> find(std::string_view id, const IdOf& id_of) const {
    if (entries_.empty()) return std::nullopt;
    const uint32_t hash = hash_of(id);
    for (size_t i = hash & mask(); entries_[i].slot != kEmpty; i = (i + 1) & mask()) {
      if (entries_[i].hash == hash && id_of(entries_[i].slot) == id) return entries_[i].slot;
    }
    return std::nullopt;
  }

  // `id` must not be in the index.
  void insert(std::string_view id, uint32_t slot);
  // `id` must be in the index, under `slot`.
  void erase(std::string_view id, uint32_t slot);
  void reserve(size_t count);

  size_t size() const { return size_; }

 private:
  static constexpr uint32_t kEmpty = ~uint32_t(0);
  struct Entry {
    uint32_t hash;
    uint32_t slot = kEmpty;
  };
  static uint32_t hash_of(std::string_view id);
  size_t mask() const { return entries_.size() - 1; }
  void place(Entry entry);
  void grow(size_t capacity);

  std::vector<Entry> entries_;  // a power of two long, at most half full
  size_t size_ = 0;
};

}  // namespace osprey
