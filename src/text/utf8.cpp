#include "text/utf8.h"

#include "core/error.h"

namespace osprey {
namespace {

// Length of a well-formed sequence starting at `pos`, or 0 when it is malformed.
size_t sequence_length(std::string_view s, size_t pos) {
  auto byte = [&](size_t i) { return static_cast<unsigned char>(s[pos + i]); };
  unsigned char b0 = byte(0);
  if (b0 < 0x80) return 1;
  size_t left = s.size() - pos;
  auto cont = [&](size_t i) { return i < left && (byte(i) & 0xC0) == 0x80; };
  if (b0 >= 0xC2 && b0 <= 0xDF) return cont(1) ? 2 : 0;
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    if (!cont(1) || !cont(2)) return 0;
    unsigned char b1 = byte(1);
    if (b0 == 0xE0 && b1 < 0xA0) return 0;  // overlong
    if (b0 == 0xED && b1 > 0x9F) return 0;  // UTF-16 surrogate
    return 3;
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    unsigned char b1 = byte(1);
    if (b0 == 0xF0 && b1 < 0x90) return 0;  // overlong
    if (b0 == 0xF4 && b1 > 0x8F) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;
}

}  // namespace

void validate_utf8(std::string_view text, std::string_view what) {
  size_t pos = 0;
  while (pos < text.size()) {
    // ASCII fast path, 8 bytes at a time.
    while (pos + 8 <= text.size()) {
      uint64_t chunk = 0;
      for (int i = 0; i < 8; ++i)
        chunk |= uint64_t(static_cast<unsigned char>(text[pos + i])) << (8 * i);
      if (chunk & 0x8080808080808080ull) break;
      pos += 8;
    }
    if (pos >= text.size()) break;
    size_t n = sequence_length(text, pos);
    if (n == 0) {
      throw Error(ErrorCode::kInvalidUtf8, std::string(what) + " is not valid UTF-8 (bad byte 0x" +
                                               "0123456789ABCDEF"[(unsigned char)text[pos] >> 4] +
                                               "0123456789ABCDEF"[(unsigned char)text[pos] & 15] +
                                               " at byte " + std::to_string(pos) +
                                               "; unpaired surrogates in JS strings end up here)");
    }
    pos += n;
  }
}

char32_t next_codepoint(std::string_view s, size_t& pos) {
  auto b = [&](size_t i) { return char32_t(static_cast<unsigned char>(s[pos + i])); };
  char32_t b0 = b(0);
  char32_t cp;
  if (b0 < 0x80) {
    cp = b0;
    pos += 1;
  } else if (b0 < 0xE0) {
    cp = ((b0 & 0x1F) << 6) | (b(1) & 0x3F);
    pos += 2;
  } else if (b0 < 0xF0) {
    cp = ((b0 & 0x0F) << 12) | ((b(1) & 0x3F) << 6) | (b(2) & 0x3F);
    pos += 3;
  } else {
    cp = ((b0 & 0x07) << 18) | ((b(1) & 0x3F) << 12) | ((b(2) & 0x3F) << 6) | (b(3) & 0x3F);
    pos += 4;
  }
  return cp;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += char(cp);
  } else if (cp < 0x800) {
    out += char(0xC0 | (cp >> 6));
    out += char(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += char(0xE0 | (cp >> 12));
    out += char(0x80 | ((cp >> 6) & 0x3F));
    out += char(0x80 | (cp & 0x3F));
  } else {
    out += char(0xF0 | (cp >> 18));
    out += char(0x80 | ((cp >> 12) & 0x3F));
    out += char(0x80 | ((cp >> 6) & 0x3F));
    out += char(0x80 | (cp & 0x3F));
  }
}

}  // namespace osprey
