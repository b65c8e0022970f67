// Near-duplicate passages (the same boilerplate paragraph in many documents, a page mirrored
// twice): Jaccard similarity of their word 3-gram shingle sets (CJK: character 3-grams).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace osprey {

// Sorted, unique shingle hashes of `text` (valid UTF-8), case-folded.
std::vector<uint64_t> shingles(std::string_view text, size_t width = 3);
double jaccard(const std::vector<uint64_t>& a, const std::vector<uint64_t>& b);

}  // namespace osprey
