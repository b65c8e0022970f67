// What the HTML and Markdown harnesses check of a parsed and chunked document: every piece of
// text it produces is valid UTF-8, and every offset and index points inside what it refers to.
#pragma once

#include <cstdlib>
#include <string_view>

#include "fuzz_util.h"
#include "ingest/chunker.h"
#include "ingest/parsed_document.h"
#include "text/utf8.h"

namespace osprey::fuzz {

inline void require(bool condition) {
  if (!condition) std::abort();
}

inline void require_utf8(std::string_view text) {
  require(is_utf8(text));
}

// Chunk options from the input's size, so that every input is also a plain document (the seeds
// are ordinary files): budgets from one token to the default, with and without overlap.
inline ChunkOptions chunk_options(size_t size) {
  static constexpr size_t kBudgets[] = {1, 3, 16, 64, 256};
  ChunkOptions options;
  options.max_tokens = kBudgets[size % 5];
  options.overlap = (size / 5) % 2 ? options.max_tokens / 2 : 0;
  options.split_long_words = (size / 10) % 4 != 0;
  return options;
}

inline void check_document(std::string_view source, const ParsedDocument& doc) {
  const std::string_view text = doc.text();
  require_utf8(text);
  require_utf8(doc.title);
  require(doc.title.size() <= kMaxTitleBytes);
  require(!doc.sections.empty());
  for (size_t s = 0; s < doc.sections.size(); ++s) {
    const Section& section = doc.sections[s];
    require_utf8(section.heading);
    require(section.heading.size() <= kMaxHeadingBytes);
    require(s == 0 ? section.parent == 0 : section.parent < s);
    require(doc.section_path(uint32_t(s)).size() <= 6);
  }
  uint32_t previous_end = 0;
  for (const Block& b : doc.blocks) {
    require(b.section < doc.sections.size());
    require(b.start <= b.end && b.end <= text.size() && b.start >= previous_end);
    previous_end = b.end;
    require_utf8(text.substr(b.start, b.end - b.start));
  }

  const ApproximateTokenCounter counter;
  const ChunkOptions options = chunk_options(source.size());
  std::vector<Chunk> chunks;
  try {
    chunks = chunk_document(doc, counter, options);
  } catch (const Error& e) {
    // A word longer than the budget, when splitting is off: the one expected refusal.
    require(e.code() == ErrorCode::kInvalidArgument && !options.split_long_words);
    return;
  }
  const size_t budget = options.budget(counter);
  for (const Chunk& c : chunks) {
    require(c.section < doc.sections.size());
    require(c.text_start < c.text_end && c.text_end <= text.size());
    require(c.source_start <= c.source_end && c.source_end <= source.size());
    require(c.tokens <= budget);
    const std::string_view piece = text.substr(c.text_start, c.text_end - c.text_start);
    require_utf8(piece);
    require_utf8(source.substr(c.source_start, c.source_end - c.source_start));
  }
}

}  // namespace osprey::fuzz
