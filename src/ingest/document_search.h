// Document-level results over ingested passages: passage hits grouped by the document they came
// from, scored by their best passage (max) or by all of them (sum), each document with its best
// passages and highlighted snippets.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "collection/collection.h"
#include "ingest/document_index.h"

namespace osprey {

enum class DocumentAggregation { kMax, kSum };
DocumentAggregation parse_document_aggregation(const std::string& name);  // "max" | "sum"

struct PassageHit {
  uint32_t slot;
  float score;
  PassageOwner owner;  // its document, and its place there
  // What each first stage said about this passage (as in SearchHit), for score breakdowns.
  std::optional<float> sparse_score, dense_score;
  std::optional<uint32_t> sparse_rank, dense_rank;
  const PassageRecord& record() const { return owner.document->passages[owner.ordinal]; }
};

// Searches passages only (documents added without ingestion are left out): request.k passages.
std::vector<PassageHit> search_passages(const Collection& collection, SearchRequest request);

struct DocumentSearchOptions {
  SearchRequest request;  // request.k: how many documents
  DocumentAggregation aggregation = DocumentAggregation::kMax;
  size_t passages_per_document = 3;
  size_t candidates = 0;  // passages retrieved before grouping; 0: max(10 k, 100)
};

struct DocumentHit {
  std::string document_id;
  std::string title;
  double score;
  std::vector<PassageHit> passages;  // best first
};

std::vector<DocumentHit> search_documents(const Collection& collection,
                                          const DocumentSearchOptions& options);

// An HTML snippet of `text`: the window of about `max_chars` code points around the first query
// term match, HTML-escaped, with matches wrapped in <mark>...</mark> and "…" where it was cut.
std::string passage_snippet_html(const Analyzer& analyzer, std::string_view text,
                                 const std::vector<std::string>& query_terms,
                                 size_t max_chars = 200);

}  // namespace osprey
