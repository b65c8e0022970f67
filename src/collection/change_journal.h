// The changes made to a collection since it was last saved, as a compact checksummed record.
// Storage appends these records instead of rewriting the whole collection, so a save costs bytes
// proportional to the change; opening replays them on top of the last full snapshot.
//
// Records are replayed with last-writer-wins semantics: additions are stored as upserts and
// deletions as "delete if present", so two writers' records merge in commit order without loss.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "collection/collection.h"

namespace osprey {

class ChangeJournal {
 public:
  struct Operation {
    enum class Kind : uint8_t { kUpsert = 1, kRemove = 2 };
    Kind kind;
    std::vector<DocumentInput> docs;  // kUpsert, with vectors as the caller gave them
    std::vector<std::string> ids;     // kRemove
  };

  // Past this many buffered bytes the journal gives up (overflowed()): the next save writes a
  // full snapshot instead, which is then cheaper than replaying the log.
  static constexpr size_t kMaxBytes = 64u << 20;

  void record_upsert(const std::vector<DocumentInput>& docs);
  void record_remove(const std::vector<std::string>& ids);

  bool empty() const { return operations_.empty() && !overflowed_; }
  bool overflowed() const { return overflowed_; }
  size_t operation_count() const { return operations_.size(); }

  // Encodes and clears the buffered operations (and the overflow flag).
  std::vector<uint8_t> take();
  void clear();

  // Decodes a record, checking magic, version, checksum and structure before returning anything.
  static std::vector<Operation> decode(const uint8_t* data, size_t size);

  static constexpr uint32_t kFormatVersion = 1;

 private:
  std::vector<Operation> operations_;
  size_t bytes_ = 0;
  bool overflowed_ = false;
};

}  // namespace osprey
