#include "store/document_store.h"

#include <algorithm>
#include <limits>

#include "core/error.h"
#include "core/input_checks.h"
#include "store/metadata.h"
#include "text/utf8.h"

namespace osprey {

uint32_t DocumentStore::insert(StoredDocument doc) {
  uint32_t slot;
  if (!free_slots_.empty()) {
    slot = free_slots_.back();
    free_slots_.pop_back();
  } else {
    slot = uint32_t(live_.size());
    docs_.emplace_back();
    live_.push_back(false);
    stored_.push_back(kNotStored);
  }
  docs_[slot] = std::make_unique<StoredDocument>(std::move(doc));
  live_[slot] = true;
  ids_.insert(docs_[slot]->id, slot);
  return slot;
}

void DocumentStore::erase(uint32_t slot) {
  ids_.erase(id_of(slot), slot);
  docs_[slot].reset();
  stored_[slot] = kNotStored;
  live_[slot] = false;
  free_slots_.push_back(slot);
}

void DocumentStore::set_metadata(uint32_t slot, nlohmann::json metadata) {
  at(slot);  // parse a stored document first: its other fields stay
  docs_[slot]->metadata = std::move(metadata);
}

std::string_view DocumentStore::id_of(uint32_t slot) const {
  return docs_[slot] ? std::string_view(docs_[slot]->id) : stored_id(slot);
}

namespace {
constexpr const char* kSection = "documents section";

// Stored text is decoded code point by code point (snippets, analysis), which assumes valid UTF-8.
void check_utf8(const ByteReader& in, std::string_view text, const char* what) {
  try {
    validate_utf8(text, what);
  } catch (const Error& e) {
    in.fail(e.what());
  }
}
}  // namespace

std::string_view DocumentStore::stored_id(uint32_t slot) const {
  // Checked by load(): this cannot fail (and runs at every id lookup, so it names no section).
  ByteReader in(bytes_->data() + stored_[slot], bytes_->size() - stored_[slot], "collection");
  const size_t size = in.count(1);
  return {reinterpret_cast<const char*>(in.raw(size)), size};
}

const StoredDocument& DocumentStore::at(uint32_t slot) const {
  if (docs_[slot]) return *docs_[slot];
  static const StoredDocument kFree{};
  if (!live_[slot]) return kFree;
  ByteReader in(bytes_->data() + stored_[slot], bytes_->size() - stored_[slot], "collection",
                kSection);
  auto d = std::make_unique<StoredDocument>();
  d->id = in.str();
  d->title = in.str();
  d->body = in.str();
  check_utf8(in, d->title, "a stored title");
  check_utf8(in, d->body, "a stored body");
  const size_t size = in.count(1);
  const uint8_t* metadata = in.raw(size);
  // add() refuses deeper metadata; a stored one would fail every later save (dump recurses).
  if (json_depth({reinterpret_cast<const char*>(metadata), size}, MetadataLimits::kMaxDepth) >
      MetadataLimits::kMaxDepth) {
    in.fail("the metadata of a stored document nests deeper than the metadata depth limit");
  }
  d->metadata = size == 0 ? nlohmann::json::object()
                          : nlohmann::json::parse(metadata, metadata + size, nullptr, false);
  if (d->metadata.is_discarded() || !d->metadata.is_object()) {
    in.fail("the metadata of a stored document is not a JSON object");
  }
  docs_[slot] = std::move(d);
  return *docs_[slot];
}

// Per slot: u8 live, then for a live slot id, title, body and metadata (JSON text, empty for {})
// as length-prefixed strings; then the free slots in reuse order.
void DocumentStore::save(ByteWriter& out) const {
  out.varint(live_.size());
  for (size_t slot = 0; slot < live_.size(); ++slot) {
    out.u8(live_[slot] ? 1 : 0);
    if (!live_[slot]) continue;
    if (!docs_[slot]) {
      // Not parsed since loading: the record's bytes as they were.
      const uint8_t* record = bytes_->data() + stored_[slot];
      ByteReader in(record, bytes_->size() - stored_[slot], "collection");
      for (int field = 0; field < 4; ++field) in.raw(in.count(1));
      out.raw(record, size_t(in.position() - record));
      continue;
    }
    const StoredDocument& d = *docs_[slot];
    out.str(d.id);
    out.str(d.title);
    out.str(d.body);
    out.str(d.metadata.empty() ? std::string() : d.metadata.dump());
  }
  // Free slots are kept in order so that a reloaded collection reuses them exactly as before.
  out.varint(free_slots_.size());
  for (uint32_t slot : free_slots_) out.varint(slot);
}

// Walks the records without parsing them: their offsets and ids are all that opening needs.
DocumentStore DocumentStore::load(ByteReader& in, const SharedBytes& bytes) {
  DocumentStore store;
  store.bytes_ = bytes;
  // Every slot takes at least 2 bytes: a free one its flag and its entry in the free list.
  const size_t slots = in.count(2);
  if (slots > std::numeric_limits<uint32_t>::max()) in.fail("more slots than 32 bits address");
  store.docs_.resize(slots);
  store.live_.resize(slots, false);
  store.stored_.resize(slots, kNotStored);
  // Sized for the documents the bytes can hold (a record of a few bytes is rare), not the slots.
  store.ids_.reserve(std::min(slots, in.remaining() / 16));
  auto id_of = [&store](uint32_t slot) { return store.stored_id(slot); };
  for (size_t slot = 0; slot < slots; ++slot) {
    const uint8_t live = in.u8();
    if (live > 1) in.fail("bad document flag");
    if (!live) continue;
    store.stored_[slot] = size_t(in.position() - bytes->data());
    const size_t id_size = in.count(1);
    const std::string_view id(reinterpret_cast<const char*>(in.raw(id_size)), id_size);
    for (int field = 0; field < 3; ++field) in.raw(in.count(1));  // title, body, metadata
    if (id.empty() || store.ids_.find(id, id_of)) in.fail("empty or repeated document id");
    check_utf8(in, id, "a stored id");
    store.ids_.insert(id, uint32_t(slot));
    store.live_[slot] = true;
  }
  const size_t free_count = in.count(1);
  if (free_count + store.ids_.size() != slots) {
    in.fail(std::to_string(free_count) + " free slots listed for " +
            std::to_string(slots - store.ids_.size()) + " free slots");
  }
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
