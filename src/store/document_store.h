// The stored documents: string id, title, body and JSON metadata, addressed by a dense slot number
// that every index shares. Slots freed by deletes are reused, so indexes stay compact.
//
// A loaded store keeps the collection's bytes and parses a document on first access (opening a
// large collection then costs a walk over the records, not a parse of every title, body and
// metadata object); documents that are never touched are saved by copying their bytes.
#pragma once

#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/byte_io.h"
#include "store/id_index.h"

namespace osprey {

struct StoredDocument {
  std::string id;
  std::string title;
  std::string body;
  nlohmann::json metadata;  // always an object
};

class DocumentStore {
 public:
  std::optional<uint32_t> find(std::string_view id) const {
    return ids_.find(id, [this](uint32_t slot) { return id_of(slot); });
  }
  uint32_t insert(StoredDocument doc);  // id must be new
  void erase(uint32_t slot);            // slot must be live
  // Replaces the metadata of a live slot (metadata is not indexed: nothing else changes).
  void set_metadata(uint32_t slot, nlohmann::json metadata);
  // A slot's document (empty for a free slot); a loaded one is parsed now if it was not yet
  // (CORRUPT_DATA if its stored metadata is not a JSON object).
  const StoredDocument& at(uint32_t slot) const;
  bool live(uint32_t slot) const { return slot < live_.size() && live_[slot]; }

  size_t size() const { return ids_.size(); }
  size_t slot_count() const { return live_.size(); }  // live and free slots
  size_t free_slot_count() const { return free_slots_.size(); }

  void save(ByteWriter& out) const;
  // `bytes` own the data `in` reads (records are parsed from them later).
  static DocumentStore load(ByteReader& in, const SharedBytes& bytes);
  // Reads the stored records from `bytes` from now on: a copy of at least the loaded bytes up to
  // the end of this store's section (so that the rest of the loaded buffer can be freed).
  void rebase(const SharedBytes& bytes) const { bytes_ = bytes; }

 private:
  static constexpr size_t kNotStored = ~size_t(0);
  std::string_view id_of(uint32_t slot) const;  // of a live slot
  std::string_view stored_id(uint32_t slot) const;

  // Parsed documents (null for free slots and for loaded ones not parsed yet).
  mutable std::vector<std::unique_ptr<StoredDocument>> docs_;
  std::vector<bool> live_;
  std::vector<uint32_t> free_slots_;
  IdIndex ids_;
  // The loaded bytes, and per slot where its document's record starts in them (kNotStored for
  // slots whose document was not loaded).
  mutable SharedBytes bytes_;  // mutable: rebase()
  std::vector<size_t> stored_;
};

}  // namespace osprey
