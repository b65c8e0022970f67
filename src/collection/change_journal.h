// The changes made to a collection since it was last saved, as a compact checksummed record.
// Storage appends these records instead of rewriting the whole collection, so a save costs bytes
// proportional to the change; opening replays them on top of the last full snapshot.
//
// Records are replayed with last-writer-wins semantics: additions are stored as upserts and
// deletions as "delete if present", so two writers' records merge in commit order without loss.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
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

  // The ids of one removal, still encoded in the record (checked; decoded as they are visited).
  class IdList {
   public:
    IdList(const uint8_t* data, size_t count) : data_(data), count_(count) {}
    size_t size() const { return count_; }
    template <typename Visit>
    void each(Visit&& visit) const;

   private:
    const uint8_t* data_;
    size_t count_;
  };

  // Checks a record's magic, version, checksum and whole structure, then hands its operations
  // over in order, decoding one at a time: what a record costs in memory is its largest
  // operation's documents (removals are not decoded at all), not the whole record at once.
  static void replay(const uint8_t* data, size_t size,
                     const std::function<void(std::vector<DocumentInput>)>& upsert,
                     const std::function<void(const IdList&)>& remove);
  // The whole record decoded (tests and tools; replay() costs less).
  static std::vector<Operation> decode(const uint8_t* data, size_t size);

  static constexpr uint32_t kFormatVersion = 1;

 private:
  std::vector<Operation> operations_;
  size_t bytes_ = 0;
  bool overflowed_ = false;
};

template <typename Visit>
void ChangeJournal::IdList::each(Visit&& visit) const {
  const uint8_t* p = data_;
  for (size_t i = 0; i < count_; ++i) {
    // Lengths were checked by replay(): a varint, then that many bytes.
    uint64_t n = 0;
    for (int shift = 0;; shift += 7) {
      const uint8_t b = *p++;
      n |= uint64_t(b & 0x7F) << shift;
      if (!(b & 0x80)) break;
    }
    visit(std::string_view(reinterpret_cast<const char*>(p), size_t(n)));
    p += n;
  }
}

}  // namespace osprey
