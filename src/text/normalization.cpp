#include "text/normalization.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "text/text_properties.h"
#include "text/unicode.h"

namespace osprey::unicode {
namespace {

// Hangul syllables decompose and compose algorithmically (Unicode 3.12).
constexpr char32_t kSBase = 0xAC00, kLBase = 0x1100, kVBase = 0x1161, kTBase = 0x11A7;
constexpr int kLCount = 19, kVCount = 21, kTCount = 28, kNCount = kVCount * kTCount,
              kSCount = kLCount * kNCount;

void decompose_into(char32_t cp, bool compat, uint32_t index, std::u32string& out,
                    std::vector<uint32_t>* source) {
  if (cp >= kSBase && cp < kSBase + kSCount) {
    int s = int(cp - kSBase);
    out.push_back(kLBase + s / kNCount);
    out.push_back(kVBase + (s % kNCount) / kTCount);
    int n = 2;
    if (s % kTCount) {
      out.push_back(kTBase + s % kTCount);
      n = 3;
    }
    if (source) source->insert(source->end(), n, index);
    return;
  }
  const char32_t* parts = nullptr;
  int n = decomposition(cp, compat, &parts);
  if (n == 0) {
    out.push_back(cp);
    if (source) source->push_back(index);
    return;
  }
  out.append(parts, n);
  if (source) source->insert(source->end(), n, index);
}

// Canonical ordering: stable sort of every run of non-starters by combining class. Sources stay
// in place (positional), which is how the Rust reference aligns reordered marks. A sort per run,
// not insertion: a text can be one run of 10^6 marks.
void reorder(std::u32string& s, size_t from) {
  std::vector<std::pair<uint8_t, char32_t>> run;
  for (size_t i = from; i < s.size();) {
    if (combining_class(s[i]) == 0) {
      ++i;
      continue;
    }
    size_t end = i;
    run.clear();
    bool sorted = true;
    for (; end < s.size(); ++end) {
      uint8_t c = combining_class(s[end]);
      if (c == 0) break;
      if (!run.empty() && run.back().first > c) sorted = false;
      run.emplace_back(c, s[end]);
    }
    if (!sorted) {
      std::stable_sort(run.begin(), run.end(),
                       [](const auto& a, const auto& b) { return a.first < b.first; });
      for (size_t k = 0; k < run.size(); ++k) s[i + k] = run[k].second;
    }
    i = end;
  }
}

char32_t compose(char32_t a, char32_t b) {
  if (a >= kLBase && a < kLBase + kLCount && b >= kVBase && b < kVBase + kVCount) {
    return kSBase + ((a - kLBase) * kVCount + (b - kVBase)) * kTCount;
  }
  if (a >= kSBase && a < kSBase + kSCount && (a - kSBase) % kTCount == 0 && b > kTBase &&
      b < kTBase + kTCount) {
    return a + (b - kTBase);
  }
  return compose_pair(a, b);
}

// Canonical composition of s[from..) in place (the starter keeps its source index).
void compose_from(std::u32string& s, size_t from, std::vector<uint32_t>* source,
                  size_t source_from) {
  size_t starter = std::u32string::npos;
  int last_class = 0;  // combining class of the last character kept after the starter
  size_t write = from;
  for (size_t read = from; read < s.size(); ++read) {
    char32_t c = s[read];
    int cc = combining_class(c);
    if (starter != std::u32string::npos) {
      bool blocked = write != starter + 1 && (last_class == 0 || last_class >= cc);
      if (!blocked) {
        char32_t composite = compose(s[starter], c);
        if (composite != 0) {
          s[starter] = composite;
          continue;
        }
      }
    }
    if (cc == 0) starter = write;
    last_class = cc;
    s[write] = c;
    if (source) (*source)[source_from + write - from] = (*source)[source_from + read - from];
    ++write;
  }
  s.resize(write);
  if (source) source->resize(source_from + write - from);
}

}  // namespace

void normalize(const char32_t* in, size_t n, NormalizationForm form, std::u32string& out,
               std::vector<uint32_t>* source) {
  bool compat = form == NormalizationForm::NFKC || form == NormalizationForm::NFKD;
  size_t from = out.size();
  size_t source_from = source ? source->size() : 0;
  for (size_t i = 0; i < n; ++i) decompose_into(in[i], compat, uint32_t(i), out, source);
  reorder(out, from);
  if (form == NormalizationForm::NFC || form == NormalizationForm::NFKC) {
    compose_from(out, from, source, source_from);
  }
}

std::u32string normalize(std::u32string_view text, NormalizationForm form) {
  std::u32string out;
  normalize(text.data(), text.size(), form, out);
  return out;
}

int to_lower_full(char32_t cp, char32_t out[3]) {
  int n = special_lowercase(cp, out);
  if (n) return n;
  out[0] = to_lower(cp);
  return 1;
}

}  // namespace osprey::unicode
