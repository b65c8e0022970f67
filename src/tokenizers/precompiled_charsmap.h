// SentencePiece's precompiled normalization map (the `precompiled_charsmap` of T5, XLM-R, ...):
// a Darts double-array trie from UTF-8 byte strings to offsets into a blob of replacement strings.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace osprey::tokenizers {

class PrecompiledCharsmap {
 public:
  // `bytes`: the decoded base64 of the JSON field. Throws Error(kInvalidJson) if malformed.
  explicit PrecompiledCharsmap(std::string_view bytes);

  // Replacement for `chunk` when its shortest prefix that is a key maps somewhere (as
  // SentencePiece/HF do), else false.
  bool transform(std::string_view chunk, std::string_view& replacement) const;

 private:
  std::vector<uint32_t> units_;
  std::string normalized_;
  std::vector<uint32_t> string_end_;  // per byte of normalized_: the end of its string
};

std::string base64_decode(std::string_view text);  // throws Error(kInvalidJson) on bad input

}  // namespace osprey::tokenizers
