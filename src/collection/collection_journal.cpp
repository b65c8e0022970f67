// Collection's side of change journaling (the record format is in change_journal.cpp).
#include "collection/change_journal.h"
#include "collection/collection.h"

namespace osprey {

void Collection::set_journaling(bool enabled) {
  if (enabled && !journal_) {
    journal_ = std::make_unique<ChangeJournal>();
  } else if (!enabled) {
    journal_.reset();
    journal_incomplete_ = true;
  }
}

size_t Collection::journal_operations() const {
  return journal_ ? journal_->operation_count() : 0;
}

bool Collection::journal_incomplete() const {
  return !journal_ || journal_incomplete_ || journal_->overflowed();
}

std::vector<uint8_t> Collection::take_journal() {
  if (journal_incomplete()) {
    throw Error(ErrorCode::kInvalidArgument,
                "the change journal is incomplete: save a full snapshot instead");
  }
  return journal_->take();
}

void Collection::snapshot_saved() {
  if (journal_) journal_->clear();
  journal_incomplete_ = false;
}

void Collection::apply_journal(const uint8_t* data, size_t size) {
  // Replayed changes were journaled by whoever made them: do not journal them again.
  auto journal = std::move(journal_);
  try {
    ChangeJournal::replay(
        data, size, [this](std::vector<DocumentInput> docs) { upsert(std::move(docs)); },
        [this](const ChangeJournal::IdList& ids) {
          std::vector<std::string> present;  // only ids of documents here: bounded by the store
          ids.each([&](std::string_view id) {
            if (store_.find(id)) present.emplace_back(id);
          });
          remove(present);
        });
  } catch (...) {
    journal_ = std::move(journal);
    throw;
  }
  journal_ = std::move(journal);
}

}  // namespace osprey
