#include "query/snippet.h"

#include <algorithm>
#include <unordered_map>

#include "text/unicode.h"
#include "text/utf8.h"

namespace osprey {
namespace {

constexpr std::string_view kEllipsis = "\u2026";

struct Match {
  uint32_t start, end;  // code point offsets in the text
  size_t term;          // index into the query's terms
};

}  // namespace

Snippet best_passage(const Analyzer& analyzer, std::string_view full_text,
                     const std::vector<std::string>& terms, size_t max_chars) {
  max_chars = std::max<size_t>(max_chars, 1);
  // A passage of the analyzed part only (the arrays below are per byte and per code point).
  const std::string_view text = analyzed_part(full_text);
  const bool cut = text.size() < full_text.size();
  // Code point offset of every byte offset where a code point starts (tokens' offsets are bytes).
  std::vector<uint32_t> byte_to_cp(text.size() + 1, 0);
  std::vector<size_t> cp_to_byte;
  std::vector<uint8_t> cp_utf16;  // UTF-16 length of each code point
  std::vector<char32_t> cps;
  for (size_t pos = 0; pos < text.size();) {
    byte_to_cp[pos] = uint32_t(cp_to_byte.size());
    cp_to_byte.push_back(pos);
    const char32_t cp = next_codepoint(text, pos);
    cps.push_back(cp);
    cp_utf16.push_back(cp >= 0x10000 ? 2 : 1);
  }
  const uint32_t total = uint32_t(cp_to_byte.size());
  byte_to_cp[text.size()] = total;
  cp_to_byte.push_back(text.size());

  std::unordered_map<std::string_view, size_t> wanted;
  for (size_t i = 0; i < terms.size(); ++i) wanted.emplace(terms[i], i);
  std::vector<Match> matches;
  for (const Token& t : analyzer.analyze(text)) {
    auto it = wanted.find(t.term);
    if (it != wanted.end()) matches.push_back({byte_to_cp[t.start], byte_to_cp[t.end], it->second});
  }
  std::sort(matches.begin(), matches.end(), [](const Match& a, const Match& b) {
    return a.start < b.start || (a.start == b.start && a.end < b.end);
  });

  // Best window starting at a match: most distinct terms, then most matches (two pointers).
  uint32_t window_start = 0, window_end = std::min<uint32_t>(total, uint32_t(max_chars));
  if (!matches.empty()) {
    std::vector<uint32_t> seen(terms.size(), 0);
    size_t distinct = 0, j = 0;
    double best = -1;
    for (size_t i = 0; i < matches.size(); ++i) {
      while (j < matches.size() && matches[j].end - matches[i].start <= max_chars) {
        if (seen[matches[j].term]++ == 0) distinct++;
        ++j;
      }
      const double score = double(distinct) + 0.1 * double(j - i);
      if (j > i && score > best) {
        best = score;
        window_start = matches[i].start;
        window_end = matches[j - 1].end;
      }
      if (j > i && --seen[matches[i].term] == 0) distinct--;
      if (j == i) ++j;  // a single match longer than the window: skip it
    }
    // Spread the unused room around the matches; start at a word or sentence boundary.
    uint32_t room =
        uint32_t(max_chars) - std::min<uint32_t>(uint32_t(max_chars), window_end - window_start);
    uint32_t start = window_start - std::min(window_start, room / 3);
    while (start < window_start && start > 0 && !unicode::is_whitespace(cps[start - 1]) &&
           !unicode::is_punctuation(cps[start - 1])) {
      ++start;
    }
    window_end = std::min(total, start + uint32_t(max_chars));
    window_start = start;
  }
  // End at a word boundary when the window cuts a word.
  if (window_end < total) {
    uint32_t end = window_end;
    while (end > window_start && !unicode::is_whitespace(cps[end]) &&
           !unicode::is_punctuation(cps[end]) && !unicode::is_cjk(cps[end])) {
      --end;
    }
    bool inside_match = false;
    for (const Match& m : matches)
      inside_match = inside_match || (m.start < window_end && m.end > end);
    if (end > window_start && !inside_match) window_end = end;
  }

  Snippet snippet;
  uint32_t utf16 = 0;
  if (window_start > 0) {
    snippet.text += kEllipsis;
    utf16 = 1;
  }
  snippet.text.append(
      text.substr(cp_to_byte[window_start], cp_to_byte[window_end] - cp_to_byte[window_start]));
  if (window_end < total || cut) snippet.text += kEllipsis;
  // UTF-16 offsets of the window's code points relative to the snippet.
  std::vector<uint32_t> offset(window_end - window_start + 1);
  for (uint32_t cp = window_start; cp <= window_end; ++cp) {
    offset[cp - window_start] = utf16;
    if (cp < window_end) utf16 += cp_utf16[cp];
  }
  for (const Match& m : matches) {
    if (m.start < window_start || m.end > window_end) continue;
    const Span span{offset[m.start - window_start], offset[m.end - window_start]};
    if (!snippet.highlights.empty() && span.start <= snippet.highlights.back().end) {
      snippet.highlights.back().end = std::max(snippet.highlights.back().end, span.end);
    } else {
      snippet.highlights.push_back(span);
    }
  }
  return snippet;
}

}  // namespace osprey
