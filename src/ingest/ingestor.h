// Documents in, passages out: ingestion turns source documents (text, Markdown, HTML, JSON records)
// into passages stored as collection documents, and re-ingestion only touches what changed.
//
// Two steps, so that embedding (which runs outside C++, in a model) sits between them:
//   plan_documents()  parses and chunks the changed documents and compares their passages with the
//                     stored ones by content hash: it lists the passages to add (and the texts to
//                     embed), to delete, and whose metadata (offsets) moved. It changes nothing.
//                     A document whose fingerprint is unchanged is skipped before parsing.
//   apply_plan()      makes the change in one all-or-nothing step.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "collection/collection.h"
#include "ingest/chunker.h"
#include "ingest/document_index.h"
#include "ingest/parsed_document.h"
#include "ingest/token_counter.h"
#include "store/metadata.h"

namespace osprey {

struct SourceDocument {
  std::string id;
  std::string title;
  std::string text;           // the source: plain text, Markdown or HTML
  std::string metadata_json;  // a JSON object (copied to every passage), or empty
  DocumentFormat format = DocumentFormat::kText;
};

// Limits of ingestion (on top of the collection's): larger documents are refused with
// LIMIT_EXCEEDED before anything is parsed. Split bigger sources into several documents.
struct IngestLimits {
  static constexpr size_t kDocumentBytes = Limits::kFieldBytes;  // 64 MiB of source per document
  static constexpr size_t kDocumentIdBytes = 1000;               // room left for "#<hash>"
  // Half a passage's metadata limit: every passage adds docId, section and offsets to a copy.
  static constexpr size_t kMetadataBytes = MetadataLimits::kMaxBytes / 2;
};

// Passage metadata keys that ingestion writes; a document's own metadata may not use them.
extern const char* const kReservedPassageKeys[6];  // docId section start end byteStart byteEnd

// JSON records: which fields are the id, the title, the body and the metadata.
struct JsonFieldMap {
  std::vector<std::string> id = {"id", "_id"};                  // the first present
  std::vector<std::string> title = {"title"};                   // the first present
  std::vector<std::string> body = {"text", "body", "content"};  // every present one, in order
  std::vector<std::string> metadata;                            // empty: every other field
  DocumentFormat body_format = DocumentFormat::kText;
};
// `index` names the record in errors.
SourceDocument source_from_json_record(const std::string& json_text, const JsonFieldMap& fields,
                                       size_t index);

struct IngestOptions {
  ChunkOptions chunk;
  const TokenCounter* counter = nullptr;  // nullptr: ApproximateTokenCounter
};

struct IngestStats {
  size_t documents = 0;            // in the batch
  size_t unchanged_documents = 0;  // skipped: same source, options and metadata
  size_t empty_documents = 0;      // no text: recorded with no passages
  size_t deleted_documents = 0;
  size_t passages_added = 0;  // new content: indexed (and embedded)
  size_t passages_removed = 0;
  size_t passages_kept = 0;   // same content: not touched
  size_t passages_moved = 0;  // same content at new offsets: metadata updated only
};

struct IngestPlan {
  struct Expectation {  // the state the plan was made against
    std::string document_id;
    bool existed;
    uint64_t fingerprint;
  };
  std::vector<Expectation> expected;
  std::vector<std::pair<std::string, DocumentRecord>> records;  // new records of changed documents
  std::vector<std::string> deleted_documents;
  std::vector<std::pair<std::string, std::string>> metadata_updates;
  std::vector<std::string> remove_passages;
  std::vector<DocumentInput> add_passages;
  std::vector<std::string> embed_texts;  // one per added passage: what its vector must encode
  IngestStats stats;
  bool applied = false;
};

IngestPlan plan_documents(const Collection& collection, std::vector<SourceDocument> documents,
                          const IngestOptions& options);
// Unknown document ids fail the whole deletion (UNKNOWN_ID).
IngestPlan plan_deletion(const Collection& collection,
                         const std::vector<std::string>& document_ids);
// `vectors`: one per plan.embed_texts entry when the collection has a dense index, else none.
void apply_plan(Collection& collection, IngestPlan& plan, std::vector<std::vector<float>> vectors);

inline IngestCounters& ingest_counters(const Collection& c) {
  return c.ingested().counters();
}

using Embedder = std::function<std::vector<std::vector<float>>(const std::vector<std::string>&)>;
// plan + embed + apply, for native callers.
IngestStats ingest_documents(Collection& collection, std::vector<SourceDocument> documents,
                             const IngestOptions& options, const Embedder& embed = {});
IngestStats delete_documents(Collection& collection, const std::vector<std::string>& document_ids);

// UTF-16 offsets of sorted byte offsets into valid UTF-8 `text`.
std::vector<uint32_t> utf16_offsets(std::string_view text,
                                    const std::vector<uint32_t>& sorted_bytes);

}  // namespace osprey
