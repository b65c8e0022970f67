// Context for a language model: the best passages for a query, packed into a token budget (in
// the model's tokenizer), near-duplicates removed, neighbouring passages of a document merged, in
// the order asked for, each with a citation, and the prompt text that joins them.
#pragma once

#include <string>
#include <vector>

#include "collection/collection.h"
#include "ingest/token_counter.h"

namespace osprey {

enum class ContextOrder {
  kRelevance,  // best first
  kDocument,   // documents by their best passage, passages in document order
  kEdges,      // best at the beginning and the end, weakest in the middle ("lost in the middle")
};
ContextOrder parse_context_order(const std::string& name);  // "relevance" | "document" | "edges"

struct ContextOptions {
  SearchRequest request;        // text/vector/mode/filter; request.k is ignored
  size_t token_budget = 1024;   // the whole prompt, counted with `counter`
  size_t max_per_document = 0;  // passages per document before merging; 0: no limit
  ContextOrder order = ContextOrder::kRelevance;
  double duplicate_threshold = 0.8;       // shingle Jaccard at or above it: dropped; > 1: keep all
  bool merge_neighbors = true;            // adjacent passages of one section become one block
  size_t candidates = 50;                 // passages retrieved before packing
  const TokenCounter* counter = nullptr;  // nullptr: ApproximateTokenCounter
};

struct ContextBlock {
  size_t citation;  // 1-based: "[1]" in the prompt
  std::string document_id, title, section, text;
  uint32_t source_start, source_end;  // bytes of the source document
  uint32_t utf16_start, utf16_end;    // the same in UTF-16 code units
  float score;                        // best passage score
  std::vector<std::string> passage_ids;
};

struct Context {
  std::vector<ContextBlock> blocks;
  std::string prompt;
  size_t tokens = 0;  // counter.count(prompt) <= token_budget
  size_t candidates = 0, duplicates_removed = 0, merged = 0, left_out = 0;
};

Context build_context(const Collection& collection, const ContextOptions& options);

// The prompt text of one block: a citation header line and the passage text.
std::string format_context_block(const ContextBlock& block);

}  // namespace osprey
