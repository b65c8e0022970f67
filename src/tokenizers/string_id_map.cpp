#include "tokenizers/string_id_map.h"

#include <cstring>

namespace osprey::tokenizers {

void StringIdMap::grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(old.empty() ? 64 : old.size() * 2, Slot{});
  size_t mask = slots_.size() - 1;
  for (const Slot& s : old) {
    if (s.id < 0) continue;
    size_t i = hash(std::string_view(storage_).substr(s.offset, s.length)) & mask;  // NOLINT
    while (slots_[i].id >= 0) i = (i + 1) & mask;
    slots_[i] = s;
  }
}

void StringIdMap::insert(std::string_view key, int32_t id) {
  if ((count_ + 1) * 2 > slots_.size()) grow();
  size_t mask = slots_.size() - 1;
  size_t i = hash(key) & mask;
  while (slots_[i].id >= 0) {
    if (std::string_view(storage_).substr(slots_[i].offset, slots_[i].length) == key) {
      slots_[i].id = id;
      return;
    }
    i = (i + 1) & mask;
  }
  slots_[i] = Slot{uint32_t(storage_.size()), uint32_t(key.size()), id, uint32_t(hash(key))};
  storage_.append(key);
  ++count_;
  if (key.size() > max_key_length_) max_key_length_ = key.size();
}

int32_t StringIdMap::find(std::string_view key) const {
  if (slots_.empty()) return -1;
  size_t mask = slots_.size() - 1;
  uint64_t h = hash(key);
  size_t i = h & mask;
  while (slots_[i].id >= 0) {
    const Slot& s = slots_[i];
    if (s.hash == uint32_t(h) && s.length == key.size() &&
        std::memcmp(storage_.data() + s.offset, key.data(), key.size()) == 0) {
      return s.id;
    }
    i = (i + 1) & mask;
  }
  return -1;
}

}  // namespace osprey::tokenizers
