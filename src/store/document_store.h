// The stored documents: string id, title, body and JSON metadata, addressed by a dense slot number
// that every index shares. Slots freed by deletes are reused, so indexes stay compact.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/byte_io.h"

namespace osprey {

struct StoredDocument {
  std::string id;
  std::string title;
  std::string body;
  nlohmann::json metadata;  // always an object
};

class DocumentStore {
 public:
  std::optional<uint32_t> find(const std::string& id) const;
  uint32_t insert(StoredDocument doc);  // id must be new
  void erase(uint32_t slot);            // slot must be live
  // Replaces the metadata of a live slot (metadata is not indexed: nothing else changes).
  void set_metadata(uint32_t slot, nlohmann::json metadata) {
    docs_[slot].metadata = std::move(metadata);
  }
  const StoredDocument& at(uint32_t slot) const { return docs_[slot]; }
  bool live(uint32_t slot) const { return slot < live_.size() && live_[slot]; }

  size_t size() const { return by_id_.size(); }
  size_t slot_count() const { return docs_.size(); }  // live and free slots

  void save(ByteWriter& out) const;
  static DocumentStore load(ByteReader& in);

 private:
  std::vector<StoredDocument> docs_;
  std::vector<bool> live_;
  std::vector<uint32_t> free_slots_;
  std::unordered_map<std::string, uint32_t> by_id_;
};

}  // namespace osprey
