// Where the query's terms occur in a text: spans to mark in the result list of a UI.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "analysis/analyzer.h"

namespace osprey {

struct Span {
  uint32_t start, end;  // UTF-16 code unit offsets, as JavaScript strings index
};

// Only the first kMaxAnalyzedBytes of a text are searched for the query's terms (highlights and
// snippets), as Elasticsearch's max_analyzed_offset: what a hit costs does not grow with the size
// of its document.
constexpr size_t kMaxAnalyzedBytes = 1000000;

// The part of `text` (valid UTF-8) that highlighting analyzes: at most kMaxAnalyzedBytes, cut at
// a character boundary.
std::string_view analyzed_part(std::string_view text);

// Spans of the tokens of `text` whose terms are in `query_terms`; overlapping spans (CJK bigrams)
// are merged. `text` must be valid UTF-8. Only its analyzed_part is searched.
std::vector<Span> match_spans(const Analyzer& analyzer, std::string_view text,
                              const std::vector<std::string>& query_terms);

}  // namespace osprey
