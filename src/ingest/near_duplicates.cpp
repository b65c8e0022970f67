#include "ingest/near_duplicates.h"

#include <algorithm>

#include "ingest/content_hash.h"
#include "text/unicode.h"
#include "text/utf8.h"

namespace osprey {

std::vector<uint64_t> shingles(std::string_view text, size_t width) {
  std::vector<uint64_t> words;  // one hash per word or CJK character
  std::string word;
  auto flush = [&] {
    if (!word.empty()) words.push_back(content_hash(word));
    word.clear();
  };
  size_t pos = 0;
  while (pos < text.size()) {
    const char32_t cp = next_codepoint(text, pos);
    if (unicode::is_cjk(cp)) {
      flush();
      append_utf8(word, cp);
      flush();
    } else if (unicode::is_letter(cp) || unicode::is_number(cp) || unicode::is_mark(cp)) {
      append_utf8(word, unicode::to_lower(cp));
    } else {
      flush();
    }
  }
  flush();
  std::vector<uint64_t> out;
  if (words.size() < width) {
    out = words;
  } else {
    for (size_t i = 0; i + width <= words.size(); ++i) {
      uint64_t h = words[i];
      for (size_t k = 1; k < width; ++k) h = hash_combine(h, words[i + k]);
      out.push_back(h);
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

double jaccard(const std::vector<uint64_t>& a, const std::vector<uint64_t>& b) {
  if (a.empty() && b.empty()) return 1.0;
  size_t i = 0, j = 0, common = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i] == b[j]) {
      ++common, ++i, ++j;
    } else if (a[i] < b[j]) {
      ++i;
    } else {
      ++j;
    }
  }
  return double(common) / double(a.size() + b.size() - common);
}

}  // namespace osprey
