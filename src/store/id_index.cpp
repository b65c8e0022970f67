#include "store/id_index.h"

#include "ingest/content_hash.h"

namespace osprey {

uint32_t IdIndex::hash_of(std::string_view id) {
  return uint32_t(content_hash(id));
}

void IdIndex::place(Entry entry) {
  size_t i = entry.hash & mask();
  while (entries_[i].slot != kEmpty) i = (i + 1) & mask();
  entries_[i] = entry;
}

void IdIndex::grow(size_t capacity) {
  std::vector<Entry> old = std::move(entries_);
  entries_.assign(capacity, Entry{});
  for (const Entry& e : old) {
    if (e.slot != kEmpty) place(e);
  }
}

void IdIndex::reserve(size_t count) {
  size_t capacity = 16;
  while (capacity < 2 * count) capacity *= 2;
  if (capacity > entries_.size()) grow(capacity);
}

void IdIndex::insert(std::string_view id, uint32_t slot) {
  reserve(size_ + 1);
  place({hash_of(id), slot});
  size_++;
}

void IdIndex::erase(std::string_view id, uint32_t slot) {
  const uint32_t hash = hash_of(id);
  size_t i = hash & mask();
  while (entries_[i].slot != slot) i = (i + 1) & mask();
  // Backward-shift deletion: move later entries of the probe run into the hole, so that lookups
  // never stop early at it (no tombstones).
  for (size_t j = (i + 1) & mask(); entries_[j].slot != kEmpty; j = (j + 1) & mask()) {
    const size_t home = entries_[j].hash & mask();
    // Entry j may fill the hole at i when its home is not in the cyclic range (i, j].
    const bool movable = i <= j ? (home <= i || home > j) : (home <= i && home > j);
    if (movable) {
      entries_[i] = entries_[j];
      i = j;
    }
  }
  entries_[i] = Entry{};
  size_--;
}

}  // namespace osprey
