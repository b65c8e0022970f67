#include "query/highlight.h"

#include <algorithm>
#include <unordered_set>

#include "text/utf8.h"

namespace osprey {

std::string_view analyzed_part(std::string_view text) {
  if (text.size() <= kMaxAnalyzedBytes) return text;
  size_t end = kMaxAnalyzedBytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

std::vector<Span> match_spans(const Analyzer& analyzer, std::string_view full_text,
                              const std::vector<std::string>& query_terms) {
  const std::string_view text = analyzed_part(full_text);
  std::unordered_set<std::string_view> wanted(query_terms.begin(), query_terms.end());
  std::vector<Span> bytes;  // byte offsets first
  for (const Token& t : analyzer.analyze(text)) {
    if (!wanted.count(t.term)) continue;
    if (!bytes.empty() && t.start <= bytes.back().end) {
      bytes.back().end = std::max(bytes.back().end, t.end);
    } else {
      bytes.push_back({t.start, t.end});
    }
  }
  // Convert byte offsets to UTF-16 offsets in one pass (spans are sorted).
  std::vector<Span> spans;
  spans.reserve(bytes.size());
  size_t pos = 0;
  uint32_t utf16 = 0;
  auto advance_to = [&](uint32_t byte_offset) {
    while (pos < byte_offset) utf16 += next_codepoint(text, pos) >= 0x10000 ? 2 : 1;
    return utf16;
  };
  for (const Span& b : bytes) {
    uint32_t start = advance_to(b.start);
    spans.push_back({start, advance_to(b.end)});
  }
  return spans;
}

}  // namespace osprey
