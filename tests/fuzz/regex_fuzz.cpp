// Regex engine: a pattern (the input up to its first NUL byte) compiles or is refused with an
// osprey::Error; its matches over the subject (the rest, or fixed texts without a NUL) are in
// bounds, non-empty, ordered and disjoint. GPT-2's fast path must agree with the general engine on
// the subject, and literal patterns with a naive search.
#include <cstdlib>
#include <string>
#include <vector>

#include "fuzz_util.h"
#include "text/utf8.h"
#include "tokenizers/regex_matcher.h"

using namespace osprey;
using namespace osprey::tokenizers;

namespace {

constexpr size_t kMaxSubject = 4096;  // characters: the engine's cost per character is the point

// UTF-8 where valid, otherwise each byte as the code point of the same value.
std::u32string to_chars(std::string_view s) {
  std::u32string out;
  try {
    validate_utf8(s, "subject");
    for (size_t pos = 0; pos < s.size();) out.push_back(next_codepoint(s, pos));
  } catch (const Error&) {
    out.assign(s.begin(), s.end());
    for (char32_t& c : out) c &= 0xFF;
  }
  if (out.size() > kMaxSubject) out.resize(kMaxSubject);
  return out;
}

std::vector<Match> matches_of(const Pattern& p, const std::u32string& text) {
  std::vector<Match> m;
  p.find_all(text.data(), text.size(), m);
  size_t last = 0;
  for (const Match& x : m) {
    if (x.begin < last || x.end <= x.begin || x.end > text.size()) std::abort();
    last = x.end;
  }
  return m;
}

bool same(const std::vector<Match>& a, const std::vector<Match>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].begin != b[i].begin || a[i].end != b[i].end) return false;
  }
  return true;
}

std::vector<Match> naive_literal(const std::u32string& lit, const std::u32string& text) {
  std::vector<Match> out;
  if (lit.empty()) return out;
  for (size_t i = 0; i + lit.size() <= text.size();) {
    if (text.compare(i, lit.size(), lit) == 0) {
      out.push_back({i, i + lit.size()});
      i += lit.size();
    } else {
      ++i;
    }
  }
  return out;
}

const std::vector<std::u32string>& fixed_subjects() {
  static const std::vector<std::u32string> subjects = {
      U"Hello world! It's 2024, isn't it?\n\n  Indented\ttext   ",
      U"Grüße, 世界! 🙂 naïve café ﬁ Ǆ İ ١٢٣ ๑๒๓",
      U"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab",
      std::u32string(2000, U'a') + U"!" + std::u32string(2000, U' ') + U"x",
  };
  return subjects;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto gpt2_fast = compile_regex(kGpt2Pattern);
  static const auto gpt2_general = compile_regex(std::string("(?:") + kGpt2Pattern + ")");
  const std::string_view input = fuzz::as_text(data, size);
  const size_t cut = input.find('\0');
  const std::string pattern(input.substr(0, cut));
  std::vector<std::u32string> subjects;
  if (cut != std::string_view::npos)
    subjects.push_back(to_chars(input.substr(cut + 1)));
  else
    subjects = fixed_subjects();

  std::unique_ptr<Pattern> regex;
  fuzz::expect_clean([&] { regex = compile_regex(pattern); });
  const std::u32string literal = to_chars(pattern);
  auto lit = literal_pattern(literal);
  for (const std::u32string& subject : subjects) {
    if (regex) fuzz::expect_clean([&] { matches_of(*regex, subject); });
    if (!same(matches_of(*gpt2_fast, subject), matches_of(*gpt2_general, subject))) std::abort();
    if (literal.size() * subject.size() <= 4'000'000 &&
        !same(matches_of(*lit, subject), naive_literal(literal, subject))) {
      std::abort();
    }
  }
  return 0;
}
