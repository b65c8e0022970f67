// Sentence boundaries after Unicode's rules (UAX #29, simplified): a sentence ends after a
// terminator (. ! ? and the full-width and other scripts' ones: 。！？｡ ؟ । ...) and any closing
// quotes or brackets, before the following spaces. Full-width (CJK) terminators end a sentence
// without needing a space; '.' does not end one before a lowercase letter, a digit or another
// letter ("e.g. this", "3.14", "U.S.A").
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace osprey {

// Appends to `starts` the byte offsets in (begin, end) where a new sentence starts in `text`.
// `text` must be valid UTF-8.
void sentence_starts(std::string_view text, uint32_t begin, uint32_t end,
                     std::vector<uint32_t>& starts);

}  // namespace osprey
