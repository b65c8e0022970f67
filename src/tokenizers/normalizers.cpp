#include "tokenizers/normalizers.h"

#include <algorithm>
#include <vector>

#include "core/error.h"
#include "text/grapheme.h"
#include "text/normalization.h"
#include "text/text_properties.h"
#include "text/unicode.h"
#include "text/utf8.h"
#include "tokenizers/precompiled_charsmap.h"
#include "tokenizers/regex_matcher.h"

namespace osprey::tokenizers {
namespace {

using unicode::GeneralCategory;

// What BERT's clean_text drops: Cc, Cf, Cs, Co. Unassigned code points (Cn) are kept: the Rust
// reference keeps them (checked by the oracle rows "unassigned" and the unicode-stress blocks).
bool is_other_category(char32_t c) {
  auto cat = unicode::category(c);
  return cat == GeneralCategory::Cc || cat == GeneralCategory::Cf || cat == GeneralCategory::Cs ||
         cat == GeneralCategory::Co;
}

bool is_bert_chinese(char32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
         (c >= 0x20000 && c <= 0x2A6DF) || (c >= 0x2A700 && c <= 0x2B73F) ||
         (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B920 && c <= 0x2CEAF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
}

thread_local size_t current_limit = kMaxNormalizedChars;

// Normalizers that can lengthen the text check the length they would produce first.
void check_normalized_size(size_t n, const char* what) {
  if (n > current_limit) {
    throw Error(ErrorCode::kLimitExceeded,
                std::string(what) + ": the normalized text of " + std::to_string(n) +
                    " characters would exceed the limit of " + std::to_string(current_limit) +
                    " (" + std::to_string(kNormalizedGrowth) + " x the input + " +
                    std::to_string(kNormalizedSlack) + ", at most " +
                    std::to_string(kMaxNormalizedChars) + ")");
  }
}

void unicode_form(NormalizedText& text, unicode::NormalizationForm form) {
  // A decomposition has at most 18 characters: only a long text can outgrow the limit.
  constexpr size_t kMaxDecomposition = 18;
  if (text.size() > current_limit / kMaxDecomposition) {
    bool compat =
        form == unicode::NormalizationForm::NFKC || form == unicode::NormalizationForm::NFKD;
    size_t n = 0;
    for (char32_t c : text.chars) {
      const char32_t* parts = nullptr;
      int k = c >= 0xAC00 && c < 0xAC00 + 11172 ? 3 : unicode::decomposition(c, compat, &parts);
      n += k > 0 ? size_t(k) : 1;
    }
    check_normalized_size(n, "Unicode normalizer");
  }
  NormalizedText out;
  std::vector<uint32_t> source;
  out.chars.reserve(text.size());
  unicode::normalize(text.chars.data(), text.size(), form, out.chars, &source);
  out.align.resize(source.size());
  for (size_t i = 0; i < source.size(); ++i) out.align[i] = text.align[source[i]];
  text = std::move(out);
}

void lowercase(NormalizedText& text) {
  bool ascii_only = true;
  for (char32_t c : text.chars) {
    if (c >= 0x80) ascii_only = false;
  }
  if (ascii_only) {
    for (char32_t& c : text.chars) {
      if (c >= 'A' && c <= 'Z') c += 32;
    }
    return;
  }
  char32_t lower[3];
  size_t n = 0;
  for (char32_t c : text.chars) n += c < 0x80 ? 1 : size_t(unicode::to_lower_full(c, lower));
  if (n == text.size()) {  // every character maps to one: in place
    for (char32_t& c : text.chars) {
      if (c < 0x80) {
        if (c >= 'A' && c <= 'Z') c += 32;
      } else {
        unicode::to_lower_full(c, lower);
        c = lower[0];
      }
    }
    return;
  }
  check_normalized_size(n, "Lowercase normalizer");
  NormalizedText out;
  out.chars.reserve(n);
  out.align.reserve(n);
  for (size_t i = 0; i < text.size(); ++i) {
    int k = unicode::to_lower_full(text.chars[i], lower);
    for (int j = 0; j < k; ++j) out.push(lower[j], text.align[i]);
  }
  text = std::move(out);
}

// BertNormalizer drops nonspacing marks (Mn); the StripAccents normalizer drops every mark (M*).
void strip_marks(NormalizedText& text, bool nonspacing_only) {
  size_t w = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char32_t c = text.chars[i];
    if (c >= 0x300) {
      auto cat = unicode::category(c);
      if (cat == GeneralCategory::Mn ||
          (!nonspacing_only && (cat == GeneralCategory::Mc || cat == GeneralCategory::Me))) {
        continue;
      }
    }
    text.chars[w] = text.chars[i];
    text.align[w++] = text.align[i];
  }
  text.chars.resize(w);
  text.align.resize(w);
}

// HF's NormalizedString::transform: each (char, change) consumes the next original character
// (change <= 0, plus -change more) or is inserted after the previous one (change > 0).
void apply_changes(NormalizedText& text, const std::vector<std::pair<char32_t, int>>& changes) {
  NormalizedText out;
  out.chars.reserve(changes.size());
  out.align.reserve(changes.size());
  size_t pos = 0, n = text.size();
  for (const auto& [c, change] : changes) {
    Align a;
    if (change > 0) {
      a = pos > 0 ? text.align[pos - 1] : Align{0, 0};
    } else {
      a = pos < n ? text.align[pos] : (n > 0 ? text.align[n - 1] : Align{0, 0});
      pos += 1 + size_t(-change);
    }
    out.push(c, a);
  }
  text = std::move(out);
}

class BertNormalizer : public Normalizer {
 public:
  explicit BertNormalizer(const Json& j) {
    clean_text_ = bool_field(j, "clean_text", "BertNormalizer", true);
    handle_chinese_chars_ = bool_field(j, "handle_chinese_chars", "BertNormalizer", true);
    lowercase_ = bool_field(j, "lowercase", "BertNormalizer", true);
    const Json* sa = field(j, "strip_accents");
    strip_accents_set_ = sa != nullptr;
    if (sa) strip_accents_ = bool_field(j, "strip_accents", "BertNormalizer", false);
  }
  void apply_config(const Json& config) override {
    if (const Json* v = field(config, "do_lower_case"); v && v->is_boolean())
      lowercase_ = v->get<bool>();
    if (const Json* v = field(config, "strip_accents"); v && v->is_boolean()) {
      strip_accents_set_ = true;
      strip_accents_ = v->get<bool>();
    }
  }
  void normalize(NormalizedText& text) const override {
    // Without Chinese characters to pad, each character gives at most one: rewritten in place.
    size_t chinese = 0;
    if (handle_chinese_chars_) {
      for (char32_t c : text.chars) chinese += c >= 0x3400 && is_bert_chinese(c);
    }
    thread_local NormalizedText scratch;
    NormalizedText* out = &text;
    if (chinese > 0) {
      check_normalized_size(text.size() + 2 * chinese, "BertNormalizer");
      scratch.clear();
      scratch.chars.reserve(text.size() + 2 * chinese);
      scratch.align.reserve(text.size() + 2 * chinese);
      out = &scratch;
    }
    size_t w = 0;  // in place: the write position (never ahead of i)
    auto emit = [&](char32_t c, Align a) {
      if (out == &text) {
        text.chars[w] = c;
        text.align[w++] = a;
      } else {
        out->push(c, a);
      }
    };
    const size_t n = text.size();
    for (size_t i = 0; i < n; ++i) {
      char32_t c = text.chars[i];
      Align a = text.align[i];
      if (clean_text_ && c < 0x80) {
        if (c < 0x20 || c == 0x7F) {
          if (c != '\t' && c != '\n' && c != '\r') continue;  // Cc
          c = ' ';
        }
        emit(c, a);
        continue;
      }
      if (clean_text_) {
        if (c == 0 || c == 0xFFFD) continue;
        if (c != '\t' && c != '\n' && c != '\r' && is_other_category(c)) continue;
        if (c == '\t' || c == '\n' || c == '\r' || unicode::is_whitespace(c)) c = ' ';
      }
      if (handle_chinese_chars_ && is_bert_chinese(c)) {
        emit(' ', a);
        emit(c, a);
        emit(' ', a);
        continue;
      }
      emit(c, a);
    }
    if (out == &text) {
      text.chars.resize(w);
      text.align.resize(w);
    } else {
      std::swap(text, scratch);
      release_if_large(scratch);
    }
    bool strip = strip_accents_set_ ? strip_accents_ : lowercase_;
    if (strip) {
      bool ascii_only = true;
      for (char32_t c : text.chars) {
        if (c >= 0x80) ascii_only = false;
      }
      if (!ascii_only) {
        unicode_form(text, unicode::NormalizationForm::NFD);
        strip_marks(text, true);
      }
    }
    if (lowercase_) lowercase(text);
  }

 private:
  bool clean_text_, handle_chinese_chars_, lowercase_;
  bool strip_accents_set_ = false, strip_accents_ = false;
};

class FormNormalizer : public Normalizer {
 public:
  explicit FormNormalizer(unicode::NormalizationForm form) : form_(form) {}
  void normalize(NormalizedText& text) const override { unicode_form(text, form_); }

 private:
  unicode::NormalizationForm form_;
};

class LowercaseNormalizer : public Normalizer {
 public:
  void normalize(NormalizedText& text) const override { lowercase(text); }
};

class StripAccentsNormalizer : public Normalizer {
 public:
  void normalize(NormalizedText& text) const override { strip_marks(text, false); }
};

class StripNormalizer : public Normalizer {
 public:
  explicit StripNormalizer(const Json& j)
      : left_(bool_field(j, "strip_left", "Strip", true)),
        right_(bool_field(j, "strip_right", "Strip", true)) {}
  void normalize(NormalizedText& text) const override {
    size_t b = 0, e = text.size();
    if (left_) {
      while (b < e && unicode::is_whitespace(text.chars[b])) ++b;
    }
    if (right_) {
      while (e > b && unicode::is_whitespace(text.chars[e - 1])) --e;
    }
    text.chars = text.chars.substr(b, e - b);
    text.align = std::vector<Align>(text.align.begin() + b, text.align.begin() + e);
  }

 private:
  bool left_, right_;
};

std::u32string to_u32(const std::string& s, const std::string& where) {
  validate_utf8(s, where);
  std::u32string out;
  for (size_t pos = 0; pos < s.size();) out.push_back(next_codepoint(s, pos));
  return out;
}

class PrependNormalizer : public Normalizer {
 public:
  explicit PrependNormalizer(const Json& j)
      : prepend_(to_u32(string_field(j, "prepend", "Prepend"), "Prepend normalizer")) {}
  void normalize(NormalizedText& text) const override {
    if (text.empty()) return;
    check_normalized_size(text.size() + prepend_.size(), "Prepend normalizer");
    Align a = text.align[0];
    text.chars.insert(0, prepend_);
    text.align.insert(text.align.begin(), prepend_.size(), a);
  }

 private:
  std::u32string prepend_;
};

class ReplaceNormalizer : public Normalizer {
 public:
  explicit ReplaceNormalizer(const Json& j) : pattern_(make_pattern(j, "Replace")) {
    content_ = to_u32(string_field(j, "content", "Replace"), "Replace normalizer");
  }
  void normalize(NormalizedText& text) const override {
    std::vector<Match> matches;
    pattern_->find_all(text.chars.data(), text.size(), matches);
    if (matches.empty()) return;
    size_t n = text.size();
    for (const Match& m : matches) n = n - (m.end - m.begin) + content_.size();
    check_normalized_size(n, "Replace normalizer");
    NormalizedText out;
    out.chars.reserve(n);
    out.align.reserve(n);
    size_t last = 0;
    for (const Match& m : matches) {
      for (size_t i = last; i < m.begin; ++i) out.push(text.chars[i], text.align[i]);
      // Inserted characters take the alignment of the last replaced one (as HF does).
      Align a = m.end > m.begin ? text.align[m.end - 1]
                                : (m.begin > 0 ? text.align[m.begin - 1] : Align{0, 0});
      for (char32_t c : content_) out.push(c, a);
      last = m.end;
    }
    for (size_t i = last; i < text.size(); ++i) out.push(text.chars[i], text.align[i]);
    text = std::move(out);
  }

 private:
  std::unique_ptr<Pattern> pattern_;
  std::u32string content_;
};

class PrecompiledNormalizer : public Normalizer {
 public:
  explicit PrecompiledNormalizer(const Json& j)
      : map_(base64_decode(string_field(j, "precompiled_charsmap", "Precompiled"))) {
    for (char32_t c = 0; c < 0x80; ++c) {
      const std::string one(1, char(c));
      ascii_[c].mapped = map_.transform(one, ascii_[c].replacement);
    }
  }

  // Per grapheme cluster: a cluster shorter than 6 UTF-8 bytes is looked up whole; otherwise (or
  // when it has no entry) each character is looked up alone. Same rules as SentencePiece and HF,
  // including HF's bookkeeping of (char, change) pairs: a deletion is charged to the previous
  // output character, and is lost when there is none (which shifts alignments, as in HF).
  void normalize(NormalizedText& text) const override {
    auto& changes = thread_changes();
    changes.clear();
    std::string utf8;
    std::string_view replacement;
    bool modified = false;
    size_t n = text.size();
    for (size_t g = 0; g < n;) {
      // Fast path: an ASCII character followed by an ASCII character (or the end) is a grapheme
      // of its own, except CR LF (GB3); its lookup is cached.
      const char32_t c = text.chars[g];
      if (c < 0x80 &&
          (g + 1 == n || (text.chars[g + 1] < 0x80 && !(c == '\r' && text.chars[g + 1] == '\n')))) {
        if (ascii_[c].mapped) {
          modified = true;
          replace(1, ascii_[c].replacement);
        } else {
          changes.emplace_back(c, 0);
        }
        ++g;
        continue;
      }
      size_t ge = unicode::grapheme_end(text.chars.data(), n, g);
      utf8.clear();
      for (size_t i = g; i < ge; ++i) append_utf8(utf8, text.chars[i]);
      if (utf8.size() < 6 && map_.transform(utf8, replacement)) {
        modified = true;
        replace(int(ge - g), replacement);
      } else {
        for (size_t i = g; i < ge; ++i) {
          utf8.clear();
          append_utf8(utf8, text.chars[i]);
          if (map_.transform(utf8, replacement)) {
            modified = true;
            replace(1, replacement);
          } else {
            changes.emplace_back(text.chars[i], 0);
          }
        }
      }
      g = ge;
      if (changes.size() > current_limit) check_normalized_size(changes.size(), "Precompiled");
    }
    if (modified) apply_changes(text, changes);
    release_if_large(changes);
  }

 private:
  static void replace(int old_count, std::string_view replacement) {
    auto& changes = thread_changes();
    size_t first = changes.size();
    for (size_t pos = 0; pos < replacement.size();)
      changes.emplace_back(decode_lenient(replacement, pos), 0);
    int diff = int(changes.size() - first) - old_count;
    if (diff > 0) {
      for (size_t k = changes.size() - size_t(diff); k < changes.size(); ++k) changes[k].second = 1;
    } else if (diff < 0 && !changes.empty()) {
      changes.back().second += diff;
    }
  }
  static std::vector<std::pair<char32_t, int>>& thread_changes();
  struct AsciiEntry {
    bool mapped = false;
    std::string_view replacement;  // into map_
  };
  static char32_t decode_lenient(std::string_view s, size_t& pos) {
    unsigned char c = static_cast<unsigned char>(s[pos]);
    int len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    if (pos + len > s.size()) {
      ++pos;
      return 0xFFFD;
    }
    char32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
    for (int i = 1; i < len; ++i) cp = (cp << 6) | (static_cast<unsigned char>(s[pos + i]) & 0x3F);
    pos += len;
    return cp;
  }
  PrecompiledCharsmap map_;
  AsciiEntry ascii_[0x80];
};

std::vector<std::pair<char32_t, int>>& PrecompiledNormalizer::thread_changes() {
  thread_local std::vector<std::pair<char32_t, int>> changes;
  return changes;
}

class SequenceNormalizer : public Normalizer {
 public:
  explicit SequenceNormalizer(const Json& j) {
    const Json* list = field(j, "normalizers");
    if (!list || !list->is_array()) bad_json("Sequence normalizer", "missing array 'normalizers'");
    for (const Json& item : *list) {
      if (auto n = make_normalizer(item)) parts_.push_back(std::move(n));
    }
  }
  void normalize(NormalizedText& text) const override {
    for (const auto& n : parts_) n->normalize(text);
  }
  void apply_config(const Json& config) override {
    for (auto& n : parts_) n->apply_config(config);
  }

 private:
  std::vector<std::unique_ptr<Normalizer>> parts_;
};

}  // namespace

size_t normalized_limit(size_t input_chars) {
  if (input_chars > kMaxNormalizedChars / kNormalizedGrowth) return kMaxNormalizedChars;
  return std::min(kMaxNormalizedChars, kNormalizedGrowth * input_chars + kNormalizedSlack);
}

void consume_normalized_budget(size_t chars) {
  check_normalized_size(chars, "normalizer");
  current_limit -= chars;
}

NormalizedLimitScope::NormalizedLimitScope(size_t input_chars) : saved_(current_limit) {
  current_limit = normalized_limit(input_chars);
}

NormalizedLimitScope::~NormalizedLimitScope() {
  current_limit = saved_;
}

std::unique_ptr<Normalizer> make_normalizer(const Json& j) {
  if (j.is_null()) return nullptr;
  if (!j.is_object()) bad_json("normalizer", "must be an object or null");
  std::string type = string_field(j, "type", "normalizer");
  if (type == "BertNormalizer") return std::make_unique<BertNormalizer>(j);
  if (type == "NFC") return std::make_unique<FormNormalizer>(unicode::NormalizationForm::NFC);
  if (type == "NFD") return std::make_unique<FormNormalizer>(unicode::NormalizationForm::NFD);
  if (type == "NFKC") return std::make_unique<FormNormalizer>(unicode::NormalizationForm::NFKC);
  if (type == "NFKD") return std::make_unique<FormNormalizer>(unicode::NormalizationForm::NFKD);
  if (type == "Lowercase") return std::make_unique<LowercaseNormalizer>();
  if (type == "StripAccents") return std::make_unique<StripAccentsNormalizer>();
  if (type == "Strip") return std::make_unique<StripNormalizer>(j);
  if (type == "Prepend") return std::make_unique<PrependNormalizer>(j);
  if (type == "Replace") return std::make_unique<ReplaceNormalizer>(j);
  if (type == "Precompiled") return std::make_unique<PrecompiledNormalizer>(j);
  if (type == "Sequence") return std::make_unique<SequenceNormalizer>(j);
  unsupported("normalizer", type);
}

}  // namespace osprey::tokenizers
