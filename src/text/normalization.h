// Unicode normalization forms (UAX #15) and full lowercase mapping, keeping track of which input
// character each output character comes from (tokenizers need it for character offsets).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace osprey::unicode {

enum class NormalizationForm { NFC, NFD, NFKC, NFKD };

// Appends the normalized form of in[0..n) to `out`; when `source` is given, appends for every
// output character the index of the input character it comes from (a composite: its starter).
void normalize(const char32_t* in, size_t n, NormalizationForm form, std::u32string& out,
               std::vector<uint32_t>* source = nullptr);
std::u32string normalize(std::u32string_view text, NormalizationForm form);

// Full lowercase of one character, without context (Σ -> σ, İ -> i̇); returns the count written.
int to_lower_full(char32_t cp, char32_t out[3]);

}  // namespace osprey::unicode
