// Cuts a parsed document into passages that fit a token budget. Cuts fall, by preference, at
// paragraph boundaries, then at sentence boundaries, then between words (whitespace, or between
// two CJK characters); code blocks stay whole whenever they fit in one passage. Passages never
// span two sections. Consecutive passages may share `overlap` tokens of whole sentences.
#pragma once

#include <cstdint>
#include <vector>

#include "ingest/parsed_document.h"
#include "ingest/token_counter.h"

namespace osprey {

struct ChunkOptions {
  size_t max_tokens = 256;  // per passage, in the counter's tokens (clamped to the model's length)
  size_t overlap = 0;       // tokens of whole sentences repeated from the previous passage
  // A single word longer than max_tokens: INVALID_ARGUMENT (default), or cut between characters.
  bool split_long_words = false;

  void validate() const;
  // The budget a passage may use: max_tokens, at most the model's length less its special tokens.
  size_t budget(const TokenCounter& counter) const;
};

struct Chunk {
  uint32_t section;                   // index into ParsedDocument::sections
  uint32_t text_start, text_end;      // bytes of ParsedDocument::text()
  uint32_t source_start, source_end;  // bytes of the source
  uint32_t tokens;                    // counter.count(text), special tokens not included
};

std::vector<Chunk> chunk_document(const ParsedDocument& doc, const TokenCounter& counter,
                                  const ChunkOptions& options);

}  // namespace osprey
