// The best passage of a document for a query, with the query's terms marked: what a result list
// (or a RAG prompt) shows instead of the whole text. (Not src/ingest's make_snippet, which returns
// HTML around the first match.)
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "analysis/analyzer.h"
#include "query/highlight.h"

namespace osprey {

struct Snippet {
  std::string text;              // a passage of the field, "…" marking cut text
  std::vector<Span> highlights;  // UTF-16 offsets into `text`, sorted, not overlapping
};

// Chooses the window of at most `max_chars` code points with the most distinct query terms
// (repeats count a little), widened with context on both sides; the start of the text when no
// term occurs. `text` must be valid UTF-8; `terms` are analyzed terms (see matched_terms).
Snippet best_passage(const Analyzer& analyzer, std::string_view text,
                     const std::vector<std::string>& terms, size_t max_chars = 200);

}  // namespace osprey
