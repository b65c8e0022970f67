// Where the query's terms occur in a text: spans to mark in the result list of a UI.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "analysis/analyzer.h"

namespace osprey {

struct Span {
  uint32_t start, end;  // UTF-16 code unit offsets, as JavaScript strings index
};

// Spans of the tokens of `text` whose terms are in `query_terms`; overlapping spans (CJK bigrams)
// are merged. `text` must be valid UTF-8.
std::vector<Span> match_spans(const Analyzer& analyzer, std::string_view text,
                              const std::vector<std::string>& query_terms);

}  // namespace osprey
