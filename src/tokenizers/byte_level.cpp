#include "tokenizers/byte_level.h"

namespace osprey::tokenizers {
namespace {

std::array<char32_t, 256> make_table() {
  std::array<char32_t, 256> table{};
  char32_t next = 256;
  for (int b = 0; b < 256; ++b) {
    bool printable = (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE);
    table[b] = printable ? char32_t(b) : next++;
  }
  return table;
}

}  // namespace

const std::array<char32_t, 256>& byte_to_char() {
  static const std::array<char32_t, 256> table = make_table();
  return table;
}

int char_to_byte(char32_t c) {
  static const auto reverse = [] {
    std::array<int16_t, 324> r{};
    r.fill(-1);
    const auto& t = byte_to_char();
    for (int b = 0; b < 256; ++b) r[t[b]] = int16_t(b);
    return r;
  }();
  return c < reverse.size() ? reverse[c] : -1;
}

}  // namespace osprey::tokenizers
