#include "analysis/porter2_stemmer.h"

#include <string_view>
#include <unordered_map>
#include <utility>

namespace osprey {
namespace {

// 'Y' (a consonant y, marked by the prelude) is not a vowel.
bool is_vowel(char c) {
  return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
}

bool ends_with(const std::string& w, std::string_view suffix) {
  return w.size() >= suffix.size() && w.back() == suffix.back() &&
         std::string_view(w).substr(w.size() - suffix.size()) == suffix;
}

bool ends_with_double(const std::string& w) {
  if (w.size() < 2 || w[w.size() - 1] != w[w.size() - 2]) return false;
  return std::string_view("bdfgmnprt").find(w.back()) != std::string_view::npos;
}

bool valid_li_ending(char c) {
  return std::string_view("cdeghkmnrt").find(c) != std::string_view::npos;
}

// Whether w[0, len) ends in a short syllable: non-vowel, vowel, non-vowel other than w, x, Y; or
// a vowel then a non-vowel at the very start of the word.
bool ends_in_short_syllable(const std::string& w, size_t len) {
  if (len == 2) return is_vowel(w[0]) && !is_vowel(w[1]);
  if (len < 3) return false;
  const char last = w[len - 1];
  return !is_vowel(w[len - 3]) && is_vowel(w[len - 2]) && !is_vowel(last) && last != 'w' &&
         last != 'x' && last != 'Y';
}

// The region after the first non-vowel that follows a vowel, searching from `from`.
size_t region_after(const std::string& w, size_t from) {
  for (size_t i = from + 1; i < w.size(); ++i) {
    if (is_vowel(w[i - 1]) && !is_vowel(w[i])) return i + 1;
  }
  return w.size();
}

struct Rule {
  std::string_view suffix;
  std::string_view replacement;
};

// The longest suffix of `w` among `rules`, or nullptr.
template <size_t N>
const Rule* longest_suffix(const std::string& w, const Rule (&rules)[N]) {
  const Rule* best = nullptr;
  for (const Rule& r : rules) {
    if (ends_with(w, r.suffix) && (!best || r.suffix.size() > best->suffix.size())) best = &r;
  }
  return best;
}

void replace_suffix(std::string& w, size_t suffix_size, std::string_view replacement) {
  w.resize(w.size() - suffix_size);
  w.append(replacement);
}

const std::pair<std::string_view, std::string_view> kExceptions[] = {
    {"skis", "ski"},    {"skies", "sky"},  {"dying", "die"},    {"lying", "lie"},
    {"tying", "tie"},   {"idly", "idl"},   {"gently", "gentl"}, {"ugly", "ugli"},
    {"early", "earli"}, {"only", "onli"},  {"singly", "singl"}, {"sky", "sky"},
    {"news", "news"},   {"howe", "howe"},  {"atlas", "atlas"},  {"cosmos", "cosmos"},
    {"bias", "bias"},   {"andes", "andes"}};

const std::string_view kStopAfterStep1a[] = {"inning",  "outing",  "canning", "herring",
                                             "earring", "proceed", "exceed",  "succeed"};

class Stemmer {
 public:
  explicit Stemmer(std::string word) : w_(std::move(word)) {}

  std::string run() {
    for (const auto& [word, stem] : kExceptions) {
      if (w_ == word) return std::string(stem);
    }
    prelude();
    if (w_.size() <= 2) return restore_y();
    mark_regions();
    step0();
    step1a();
    for (std::string_view word : kStopAfterStep1a) {
      if (w_ == word) return restore_y();
    }
    step1b();
    step1c();
    step2();
    step3();
    step4();
    step5();
    return restore_y();
  }

 private:
  bool in_r1(size_t suffix_size) const { return w_.size() - suffix_size >= r1_; }
  bool in_r2(size_t suffix_size) const { return w_.size() - suffix_size >= r2_; }
  bool is_short_word() const { return ends_in_short_syllable(w_, w_.size()) && r1_ >= w_.size(); }

  void prelude() {
    if (!w_.empty() && w_[0] == '\'') w_.erase(0, 1);
    if (!w_.empty() && w_[0] == 'y') w_[0] = 'Y';
    for (size_t i = 1; i < w_.size(); ++i) {
      if (w_[i] == 'y' && is_vowel(w_[i - 1])) w_[i] = 'Y';
    }
  }

  void mark_regions() {
    r1_ = region_after(w_, 0);
    for (std::string_view prefix : {"gener", "commun", "arsen"}) {
      if (w_.compare(0, prefix.size(), prefix) == 0) r1_ = prefix.size();
    }
    r2_ = region_after(w_, r1_);
  }

  void step0() {
    for (std::string_view s : {"'s'", "'s", "'"}) {
      if (ends_with(w_, s)) {
        w_.resize(w_.size() - s.size());
        return;
      }
    }
  }

  void step1a() {
    if (ends_with(w_, "sses")) {
      replace_suffix(w_, 4, "ss");
    } else if (ends_with(w_, "ied") || ends_with(w_, "ies")) {
      replace_suffix(w_, 3, w_.size() > 4 ? "i" : "ie");
    } else if (ends_with(w_, "us") || ends_with(w_, "ss")) {
      // unchanged
    } else if (ends_with(w_, "s")) {
      // Delete if a vowel occurs before the letter preceding the s ("gaps" -> "gap", "gas" stays).
      for (size_t i = 0; i + 2 < w_.size(); ++i) {
        if (is_vowel(w_[i])) {
          w_.pop_back();
          break;
        }
      }
    }
  }

  void step1b() {
    static const Rule rules[] = {{"eedly", ""}, {"ingly", ""}, {"edly", ""},
                                 {"eed", ""},   {"ing", ""},   {"ed", ""}};
    const Rule* r = longest_suffix(w_, rules);
    if (!r) return;
    if (r->suffix == "eed" || r->suffix == "eedly") {
      if (in_r1(r->suffix.size())) replace_suffix(w_, r->suffix.size(), "ee");
      return;
    }
    const size_t stem_size = w_.size() - r->suffix.size();
    bool has_vowel = false;
    for (size_t i = 0; i < stem_size; ++i) has_vowel = has_vowel || is_vowel(w_[i]);
    if (!has_vowel) return;
    w_.resize(stem_size);
    if (ends_with(w_, "at") || ends_with(w_, "bl") || ends_with(w_, "iz")) {
      w_ += 'e';
    } else if (ends_with_double(w_)) {
      w_.pop_back();
    } else if (is_short_word()) {
      w_ += 'e';
    }
  }

  void step1c() {
    const size_t n = w_.size();
    if (n > 2 && (w_[n - 1] == 'y' || w_[n - 1] == 'Y') && !is_vowel(w_[n - 2])) w_[n - 1] = 'i';
  }

  void step2() {
    static const Rule rules[] = {
        {"tional", "tion"}, {"enci", "ence"},   {"anci", "ance"},   {"abli", "able"},
        {"entli", "ent"},   {"izer", "ize"},    {"ization", "ize"}, {"ational", "ate"},
        {"ation", "ate"},   {"ator", "ate"},    {"alism", "al"},    {"aliti", "al"},
        {"alli", "al"},     {"fulness", "ful"}, {"ousli", "ous"},   {"ousness", "ous"},
        {"iveness", "ive"}, {"iviti", "ive"},   {"biliti", "ble"},  {"bli", "ble"},
        {"ogi", "og"},      {"fulli", "ful"},   {"lessli", "less"}, {"li", ""}};
    const Rule* r = longest_suffix(w_, rules);
    if (!r || !in_r1(r->suffix.size())) return;
    const size_t stem_size = w_.size() - r->suffix.size();
    if (r->suffix == "ogi" && (stem_size == 0 || w_[stem_size - 1] != 'l')) return;
    if (r->suffix == "li" && (stem_size == 0 || !valid_li_ending(w_[stem_size - 1]))) return;
    replace_suffix(w_, r->suffix.size(), r->replacement);
  }

  void step3() {
    static const Rule rules[] = {{"tional", "tion"}, {"ational", "ate"}, {"alize", "al"},
                                 {"icate", "ic"},    {"iciti", "ic"},    {"ical", "ic"},
                                 {"ful", ""},        {"ness", ""},       {"ative", ""}};
    const Rule* r = longest_suffix(w_, rules);
    if (!r || !in_r1(r->suffix.size())) return;
    if (r->suffix == "ative" && !in_r2(r->suffix.size())) return;
    replace_suffix(w_, r->suffix.size(), r->replacement);
  }

  void step4() {
    static const Rule rules[] = {
        {"al", ""},   {"ance", ""}, {"ence", ""},  {"er", ""},   {"ic", ""},  {"able", ""},
        {"ible", ""}, {"ant", ""},  {"ement", ""}, {"ment", ""}, {"ent", ""}, {"ism", ""},
        {"ate", ""},  {"iti", ""},  {"ous", ""},   {"ive", ""},  {"ize", ""}, {"ion", ""}};
    const Rule* r = longest_suffix(w_, rules);
    if (!r || !in_r2(r->suffix.size())) return;
    const size_t stem_size = w_.size() - r->suffix.size();
    if (r->suffix == "ion" &&
        (stem_size == 0 || (w_[stem_size - 1] != 's' && w_[stem_size - 1] != 't'))) {
      return;
    }
    w_.resize(stem_size);
  }

  void step5() {
    const size_t n = w_.size();
    if (n == 0) return;
    if (w_[n - 1] == 'e') {
      if (in_r2(1) || (in_r1(1) && !ends_in_short_syllable(w_, n - 1))) w_.pop_back();
    } else if (w_[n - 1] == 'l') {
      if (in_r2(1) && n >= 2 && w_[n - 2] == 'l') w_.pop_back();
    }
  }

  std::string restore_y() {
    for (char& c : w_) {
      if (c == 'Y') c = 'y';
    }
    return std::move(w_);
  }

  std::string w_;
  size_t r1_ = 0, r2_ = 0;
};

bool stemmable(const std::string& word) {
  for (char c : word) {
    if (!((c >= 'a' && c <= 'z') || c == '\'')) return false;
  }
  return true;
}

}  // namespace

std::string porter2_stem(const std::string& word) {
  if (word.size() <= 2 || !stemmable(word)) return word;
  return Stemmer(word).run();
}

void Porter2StemFilter::apply(std::vector<Token>& tokens) const {
  // A text repeats a small vocabulary: remembering stems makes stemming (a fifth of indexing time)
  // a hash lookup. The stemmer is a pure function, so one cache per thread serves every filter;
  // it is emptied when it grows past kMaxCached words.
  constexpr size_t kMaxCached = 1 << 16;
  thread_local std::unordered_map<std::string, std::string> stems;
  for (Token& t : tokens) {
    if (t.kind != TokenKind::kWord || t.term.size() <= 2) continue;  // short words stay as they are
    auto it = stems.find(t.term);
    if (it == stems.end()) {
      if (stems.size() >= kMaxCached) stems.clear();
      it = stems.emplace(t.term, porter2_stem(t.term)).first;
    }
    t.term = it->second;
  }
}

}  // namespace osprey
