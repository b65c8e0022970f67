#include "store/document_store.h"

#include "core/error.h"

namespace osprey {

std::optional<uint32_t> DocumentStore::find(const std::string& id) const {
  auto it = by_id_.find(id);
  if (it == by_id_.end()) return std::nullopt;
  return it->second;
}

uint32_t DocumentStore::insert(StoredDocument doc) {
  uint32_t slot;
  if (!free_slots_.empty()) {
    slot = free_slots_.back();
    free_slots_.pop_back();
    docs_[slot] = std::move(doc);
    live_[slot] = true;
  } else {
    slot = uint32_t(docs_.size());
    docs_.push_back(std::move(doc));
    live_.push_back(true);
  }
  by_id_.emplace(docs_[slot].id, slot);
  return slot;
}

void DocumentStore::erase(uint32_t slot) {
  by_id_.erase(docs_[slot].id);
  docs_[slot] = StoredDocument{};
  live_[slot] = false;
  free_slots_.push_back(slot);
}

void DocumentStore::save(ByteWriter& out) const {
  out.varint(docs_.size());
  for (size_t slot = 0; slot < docs_.size(); ++slot) {
    out.u8(live_[slot] ? 1 : 0);
    if (!live_[slot]) continue;
    const auto& d = docs_[slot];
    out.str(d.id);
    out.str(d.title);
    out.str(d.body);
    out.str(d.metadata.empty() ? std::string() : d.metadata.dump());
  }
  // Free slots are kept in order so that a reloaded collection reuses them exactly as before.
  out.varint(free_slots_.size());
  for (uint32_t slot : free_slots_) out.varint(slot);
}

DocumentStore DocumentStore::load(ByteReader& in) {
  DocumentStore store;
  const size_t slots = in.count(1);
  store.docs_.resize(slots);
  store.live_.resize(slots, false);
  for (size_t slot = 0; slot < slots; ++slot) {
    if (!in.u8()) continue;
    StoredDocument d;
    d.id = in.str();
    d.title = in.str();
    d.body = in.str();
    std::string metadata = in.str();
    d.metadata = metadata.empty() ? nlohmann::json::object()
                                  : nlohmann::json::parse(metadata, nullptr, false);
    if (d.metadata.is_discarded() || !d.metadata.is_object()) in.fail("document metadata");
    if (d.id.empty() || !store.by_id_.emplace(d.id, uint32_t(slot)).second) {
      in.fail("empty or repeated document id");
    }
    store.docs_[slot] = std::move(d);
    store.live_[slot] = true;
  }
  const size_t free_count = in.count(1);
  if (free_count + store.by_id_.size() != slots) in.fail("free slot list does not match");
  std::vector<bool> listed(slots, false);
  for (size_t i = 0; i < free_count; ++i) {
    uint64_t slot = in.varint();
    if (slot >= slots || store.live_[slot] || listed[slot]) in.fail("bad free slot list");
    listed[slot] = true;
    store.free_slots_.push_back(uint32_t(slot));
  }
  return store;
}

}  // namespace osprey
