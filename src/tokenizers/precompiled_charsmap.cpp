#include "tokenizers/precompiled_charsmap.h"

#include <cstring>

#include "core/error.h"

namespace osprey::tokenizers {
namespace {

[[noreturn]] void bad(const std::string& what) {
  throw Error(ErrorCode::kInvalidJson, "tokenizer.json: Precompiled normalizer: " + what);
}

// Darts-clone unit layout.
inline bool has_leaf(uint32_t unit) {
  return (unit >> 8) & 1;
}
inline uint32_t value(uint32_t unit) {
  return unit & ((1u << 31) - 1);
}
inline uint32_t label(uint32_t unit) {
  return unit & ((1u << 31) | 0xFF);
}
inline uint32_t offset(uint32_t unit) {
  return (unit >> 10) << ((unit & (1u << 9)) >> 6);
}

}  // namespace

std::string base64_decode(std::string_view text) {
  auto decode = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+' || c == '-') return 62;
    if (c == '/' || c == '_') return 63;
    return -1;
  };
  std::string out;
  out.reserve(text.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    if (c == '=' || c == '\n' || c == '\r') continue;
    int v = decode(c);
    if (v < 0) bad("precompiled_charsmap is not base64");
    acc = (acc << 6) | uint32_t(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(char((acc >> bits) & 0xFF));
    }
  }
  return out;
}

PrecompiledCharsmap::PrecompiledCharsmap(std::string_view bytes) {
  if (bytes.size() < 4) bad("precompiled_charsmap is too short");
  uint32_t trie_size;
  std::memcpy(&trie_size, bytes.data(), 4);  // little-endian, as wasm32 and x86 are
  if (trie_size % 4 != 0 || trie_size > bytes.size() - 4 || trie_size == 0) {
    bad("precompiled_charsmap has an invalid trie size");
  }
  units_.resize(trie_size / 4);
  std::memcpy(units_.data(), bytes.data() + 4, trie_size);
  normalized_.assign(bytes.data() + 4 + trie_size, bytes.size() - 4 - trie_size);
  // Where each replacement ends, found once: a scan per lookup would be quadratic in a blob
  // without terminators.
  string_end_.resize(normalized_.size() + 1);
  string_end_[normalized_.size()] = uint32_t(normalized_.size());
  for (size_t i = normalized_.size(); i-- > 0;)
    string_end_[i] = normalized_[i] == '\0' ? uint32_t(i) : string_end_[i + 1];
}

bool PrecompiledCharsmap::transform(std::string_view chunk, std::string_view& replacement) const {
  size_t node = 0;
  uint32_t unit = units_[0];
  node ^= offset(unit);
  for (unsigned char c : chunk) {
    if (c == 0) break;
    node ^= c;
    if (node >= units_.size()) return false;
    unit = units_[node];
    if (label(unit) != c) return false;
    node ^= offset(unit);
    if (node >= units_.size()) return false;
    if (has_leaf(unit)) {
      // The first (shortest) prefix that is a key decides, as in SentencePiece/HF.
      size_t index = value(units_[node]);
      if (index >= normalized_.size()) return false;
      size_t end = string_end_[index];
      replacement = std::string_view(normalized_).substr(index, end - index);
      return true;
    }
  }
  return false;
}

}  // namespace osprey::tokenizers
