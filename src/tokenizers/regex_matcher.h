// Patterns of tokenizer.json (Split pre-tokenizer, Replace normalizer): a literal string, or a
// regular expression over code points. The matcher supports the syntax that real tokenizer files
// use: alternation, (?:...), (?i:...), (?!...), (?=...), greedy/lazy ?, *, +, {m,n}, classes with
// ranges, \s \S \d \D \w \W \p{..} \P{..}, '.', ^, $. Matches are the ones a backtracking engine
// finds (leftmost start, then the first alternative / greedy-or-lazy choice in pattern order), but
// the engine is a Thompson NFA simulation (Pike VM): time linear in the text for any pattern.
// GPT-2's pattern (also used by ByteLevel) has a hand-written fast path.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "tokenizers/json_fields.h"
#include "tokenizers/limits.h"

namespace osprey::tokenizers {

// Limits on a regex: kMaxRegex* in limits.h (beyond them, Error(kLimitExceeded)).

struct Match {
  size_t begin, end;
};

class Pattern {
 public:
  virtual ~Pattern() = default;
  // All non-overlapping leftmost matches, left to right (empty matches are skipped).
  virtual void find_all(const char32_t* text, size_t n, std::vector<Match>& out) const = 0;
};

// While alive, the regexes compiled on this thread (those of one tokenizer.json) share a budget of
// kMaxRegexProgramTotal instructions; beyond it compile_regex throws Error(kLimitExceeded).
class RegexBudgetScope {
 public:
  RegexBudgetScope();
  ~RegexBudgetScope();
  RegexBudgetScope(const RegexBudgetScope&) = delete;
  RegexBudgetScope& operator=(const RegexBudgetScope&) = delete;

 private:
  size_t saved_;
};

// GPT-2's pre-tokenization regex (ByteLevel's default).
extern const char* const kGpt2Pattern;

// Compiles a regex; throws Error(kUnsupportedFormat) naming the construct it cannot handle, and
// Error(kLimitExceeded) for a pattern beyond the limits above.
std::unique_ptr<Pattern> compile_regex(const std::string& regex);
std::unique_ptr<Pattern> literal_pattern(const std::u32string& literal);
// From a JSON object with a "pattern" field {"String": ..} or {"Regex": ..}.
std::unique_ptr<Pattern> make_pattern(const Json& owner, const std::string& where);

}  // namespace osprey::tokenizers
