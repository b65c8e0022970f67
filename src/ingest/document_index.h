// Which passages each ingested source document became: the map that makes re-ingestion
// incremental (passage content hashes), deletion complete (a document takes its passages with it)
// and results document-level (a passage hit knows its document, section and offsets). Stored in
// the collection's byte format.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/byte_io.h"

namespace osprey {

struct PassageRecord {
  std::string id;                     // the collection document that holds the passage
  uint64_t content_hash;              // of everything that is indexed and embedded
  std::string section;                // heading path, " > "-joined; empty before any heading
  uint32_t source_start, source_end;  // bytes of the source document
  uint32_t utf16_start, utf16_end;    // the same, in UTF-16 code units (JavaScript string indexes)
  uint32_t text_start, text_end;      // bytes of the readable text (= source bytes but for HTML)
  uint32_t tokens;                    // in the tokenizer the document was chunked with
};

struct DocumentRecord {
  uint64_t fingerprint = 0;  // source, format, title, metadata, chunking options and tokenizer
  std::string title;
  std::vector<PassageRecord> passages;  // in document order
};

struct PassageOwner {
  const std::string* document_id;
  const DocumentRecord* document;
  uint32_t ordinal;  // index into document->passages
};

// Cumulative work counters of a collection's ingestion (not saved): what tests and benchmarks use
// to prove that unchanged documents cost nothing.
struct IngestCounters {
  uint64_t plans_applied = 0;
  uint64_t passages_indexed = 0;
  uint64_t passages_embedded = 0;  // vectors received for added passages
  uint64_t passages_removed = 0;
  uint64_t metadata_updates = 0;
  uint64_t documents_chunked = 0;  // parsed and cut into passages while planning
  uint64_t documents_skipped = 0;  // unchanged: not even parsed
};

class DocumentIndex {
 public:
  const DocumentRecord* find(const std::string& document_id) const;
  std::optional<PassageOwner> owner(const std::string& passage_id) const;
  void put(const std::string& document_id, DocumentRecord record);
  void erase(const std::string& document_id);

  size_t size() const { return documents_.size(); }
  bool empty() const { return documents_.empty(); }
  std::vector<std::string> document_ids() const;  // sorted

  void save(ByteWriter& out) const;
  static DocumentIndex load(ByteReader& in);

  IngestCounters& counters() const { return counters_; }

 private:
  mutable IngestCounters counters_;
  std::unordered_map<std::string, DocumentRecord> documents_;
  std::unordered_map<std::string, std::pair<std::string, uint32_t>> owners_;  // passage -> doc, n
};

}  // namespace osprey
