// Collection::apply_batch: the all-or-nothing change that ingestion makes (passages whose
// content changed are replaced, moved ones get new offsets in their metadata).
#include <unordered_set>
#include <utility>

#include "collection/change_journal.h"
#include "collection/collection.h"
#include "core/error.h"
#include "store/metadata.h"

namespace osprey {

void Collection::apply_batch(
    const std::vector<std::pair<std::string, std::string>>& metadata_updates,
    const std::vector<std::string>& remove_ids, std::vector<DocumentInput> add) {
  // Validate everything first.
  std::vector<uint32_t> remove_slots;
  std::unordered_set<uint32_t> removing;
  for (const auto& id : remove_ids) {
    auto slot = store_.find(id);
    if (!slot) throw Error(ErrorCode::kUnknownId, "no document with id '" + id + "'");
    if (removing.insert(*slot).second) remove_slots.push_back(*slot);
  }
  std::vector<std::pair<uint32_t, nlohmann::json>> metadata;
  metadata.reserve(metadata_updates.size());
  for (const auto& [id, text] : metadata_updates) {
    auto slot = store_.find(id);
    if (!slot) throw Error(ErrorCode::kUnknownId, "no document with id '" + id + "'");
    if (removing.count(*slot)) {
      throw Error(ErrorCode::kInvalidArgument, "document '" + id + "' is both updated and deleted");
    }
    metadata.emplace_back(*slot, parse_metadata(text, "document '" + id + "'"));
  }
  // Decode what the metadata updates and deletions touch (loaded collections decode on first
  // use), so that a damaged stored part fails here.
  for (const auto& entry : metadata) store_.at(entry.first);
  std::vector<Fields> remove_fields;
  remove_fields.reserve(remove_slots.size());
  for (uint32_t slot : remove_slots) remove_fields.push_back(fields_for_erase(slot));
  // Then change. add() validates its whole batch before it changes anything, so it goes first;
  // what follows cannot fail (the slots found above are still those documents').
  this->add(std::move(add));
  for (auto& [slot, json] : metadata) store_.set_metadata(slot, std::move(json));
  for (size_t i = 0; i < remove_slots.size(); ++i) erase(remove_slots[i], remove_fields[i]);
  // The journal holds the additions (add() recorded them) and the deletions, but not metadata
  // moves or the passage map: the next save must be a full snapshot.
  if (journal_ && !remove_ids.empty()) journal_->record_remove(remove_ids);
  journal_incomplete_ = true;
}

}  // namespace osprey
