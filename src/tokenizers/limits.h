// What the tokenizers accept. Beyond a limit, loading a tokenizer.json or encoding throws
// Error(ErrorCode::kLimitExceeded) with a message that names the field or option and the limit;
// so no file and no text can make them allocate or work without bound. Every limit is far above
// what real Hugging Face tokenizers use.
#pragma once

#include <cstddef>
#include <cstdint>

namespace osprey::tokenizers {

// ---- tokenizer.json and tokenizer_config.json
// ------------------------------------------------------ Nesting of JSON arrays and objects (real
// files: < 10). Checked before parsing, as copying and printing nlohmann::json recurse per level.
inline constexpr int kMaxJsonDepth = 64;
// Every token id (vocab, added_tokens, post-processor special tokens, pad_id, unk_id) and type id.
inline constexpr int64_t kMaxTokenId = (int64_t(1) << 24) - 1;
// Vocabularies are stored densely by id: an id must also stay below 2 * (entries) + 1024, so that
// memory is proportional to the file.
inline constexpr int64_t kVocabIdSlack = 1024;
// Bytes of one WordPiece or Unigram vocabulary entry and of one added token: their matching walks
// a trie from every text position, at most this deep.
inline constexpr size_t kMaxPieceBytes = 1024;
// Token counts of truncation.max_length, padding (Fixed, pad_to_multiple_of) and of the
// EncodeOptions max_length, pad_length and pad_to_multiple_of.
inline constexpr size_t kMaxSequenceLength = size_t(1) << 20;
// WordPiece max_input_chars_per_word (Hugging Face's default: 100).
inline constexpr int64_t kMaxWordPieceChars = int64_t(1) << 20;

// ---- Encoding -----------------------------------------------------------------------------------
// Characters of the normalized text: at most kNormalizedGrowth x the input's characters +
// kNormalizedSlack, and at most kMaxNormalizedChars (the input is limited to
// Tokenizer::kMaxTextBytes; normalizers such as Replace, Prepend or NFKD make texts longer).
inline constexpr size_t kMaxNormalizedChars = size_t(64) << 20;
inline constexpr size_t kNormalizedGrowth = 32;  // NFKD: at most 18 characters per character
inline constexpr size_t kNormalizedSlack = 65536;
// rows x columns of a padded batch (encode_batch).
inline constexpr size_t kMaxBatchCells = size_t(1) << 25;
// A Unigram pre-token longer than this (UTF-8 bytes) is segmented in consecutive windows of this
// size (cut between characters): memory stays bounded, and only such long "words" (no real text
// has them) can differ from Hugging Face near the cuts.
inline constexpr size_t kUnigramWindowBytes = 65536;

// ---- Regular expressions (Split pre-tokenizer, Replace normalizer) ------------------------------
inline constexpr size_t kMaxRegexBytes = 65536;  // pattern length, UTF-8 bytes
// Nesting of groups, lookaheads and stacked quantifiers (`(?:(?:a)+)*` is 4 deep).
inline constexpr int kMaxRegexNesting = 64;
inline constexpr int kMaxRegexRepeat = 1000;  // m and n of a{m,n}
// Compiled instructions of one regex; counted repetitions expand (`(?:ab){1000}` takes ~2000).
// The work per text character is at most proportional to it.
inline constexpr size_t kMaxRegexProgram = 4096;
// ... and of all the regexes of one tokenizer.json together (real files: a few hundred).
inline constexpr size_t kMaxRegexProgramTotal = 8192;
// Lookaheads other than one character class (`(?!\S)` is free): each costs a pass over the text.
inline constexpr size_t kMaxRegexLookaheads = 16;

}  // namespace osprey::tokenizers
