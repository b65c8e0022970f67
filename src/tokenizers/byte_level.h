// GPT-2's reversible byte <-> character alphabet: printable Latin-1 bytes map to themselves, the
// other 68 bytes to U+0100 and up.
#pragma once

#include <array>
#include <cstdint>

namespace osprey::tokenizers {

const std::array<char32_t, 256>& byte_to_char();
// The byte of a byte-level character, or -1.
int char_to_byte(char32_t c);

}  // namespace osprey::tokenizers
