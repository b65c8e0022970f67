#include "tokenizers/pre_tokenizers.h"

#include <vector>

#include "text/text_properties.h"
#include "text/unicode.h"
#include "text/utf8.h"
#include "tokenizers/byte_level.h"
#include "tokenizers/regex_matcher.h"

namespace osprey::tokenizers {

void PreTokenizer::pre_tokenize(Pieces& in, Pieces& out) const {
  out.clear();
  if (splits_only()) {
    std::swap(out.text, in.text);
    for (const auto& span : in.spans) {
      if (span.fixed_id >= 0)
        out.spans.push_back(span);
      else
        split(out.text, span.begin, span.end, out);
    }
    return;
  }
  for (const auto& span : in.spans) {
    if (span.fixed_id >= 0) {
      out.add(in.text, span.begin, span.end, span.fixed_id);
    } else {
      split(in.text, span.begin, span.end, out);
    }
  }
}

namespace {

using unicode::GeneralCategory;

bool is_ascii_punctuation(char32_t c) {
  return (c >= 0x21 && c <= 0x2F) || (c >= 0x3A && c <= 0x40) || (c >= 0x5B && c <= 0x60) ||
         (c >= 0x7B && c <= 0x7E);
}
bool is_punctuation(char32_t c) {  // Rust: is_ascii_punctuation() || Unicode P*
  if (c < 0x80) return is_ascii_punctuation(c);
  return unicode::is_punctuation(c);
}
bool is_whitespace(char32_t c) {
  if (c < 0x80) return c == ' ' || (c >= 9 && c <= 13);
  return unicode::is_whitespace(c);
}
bool is_numeric(char32_t c) {
  if (c < 0x80) return c >= '0' && c <= '9';
  return unicode::is_number(c);
}
// Regex \w as the Rust reference matches it (UTS #18): Alphabetic, marks, decimal digits,
// connector punctuation and the join controls (ZWNJ, ZWJ).
bool is_word_char(char32_t c) {
  if (c < 0x80) return ((c | 32) >= 'a' && (c | 32) <= 'z') || (c >= '0' && c <= '9') || c == '_';
  if (c == 0x200C || c == 0x200D) return true;
  auto cat = unicode::category(c);
  return unicode::is_alphabetic(c) || (cat >= GeneralCategory::Mn && cat <= GeneralCategory::Me) ||
         cat == GeneralCategory::Nd || cat == GeneralCategory::Pc;
}

enum class Behavior { kRemoved, kIsolated, kMergedWithPrevious, kMergedWithNext, kContiguous };

Behavior parse_behavior(const Json& j, const std::string& where, Behavior fallback) {
  const Json* b = field(j, "behavior");
  if (!b) return fallback;
  if (!b->is_string()) bad_json(where, "'behavior' must be a string");
  std::string s = b->get<std::string>();
  if (s == "Removed") return Behavior::kRemoved;
  if (s == "Isolated") return Behavior::kIsolated;
  if (s == "MergedWithPrevious") return Behavior::kMergedWithPrevious;
  if (s == "MergedWithNext") return Behavior::kMergedWithNext;
  if (s == "Contiguous") return Behavior::kContiguous;
  unsupported(where + " behavior", s);
}

struct Segment {
  size_t begin, end;
  bool is_match;
};

// HF's NormalizedString::split: `segments` cover [begin, end) in order.
void split_segments(const NormalizedText& text, std::vector<Segment>& segments, Behavior behavior,
                    Pieces& out) {
  std::vector<Segment> merged;
  bool previous_match = false;
  switch (behavior) {
    case Behavior::kRemoved:
      for (const Segment& s : segments) {
        if (!s.is_match) out.add(text, s.begin, s.end);
      }
      return;
    case Behavior::kIsolated:
      for (const Segment& s : segments) out.add(text, s.begin, s.end);
      return;
    case Behavior::kContiguous:
      for (const Segment& s : segments) {
        if (s.is_match == previous_match && !merged.empty())
          merged.back().end = s.end;
        else
          merged.push_back(s);
        previous_match = s.is_match;
      }
      break;
    case Behavior::kMergedWithPrevious:
      for (const Segment& s : segments) {
        if (s.is_match && !previous_match && !merged.empty())
          merged.back().end = s.end;
        else
          merged.push_back(s);
        previous_match = s.is_match;
      }
      break;
    case Behavior::kMergedWithNext:
      for (size_t i = segments.size(); i-- > 0;) {
        const Segment& s = segments[i];
        if (s.is_match && !previous_match && !merged.empty())
          merged.back().begin = s.begin;
        else
          merged.push_back(s);
        previous_match = s.is_match;
      }
      std::reverse(merged.begin(), merged.end());
      break;
  }
  for (const Segment& s : merged) out.add(text, s.begin, s.end);
}

// Segments of [begin, end) where each character satisfying `pred` is a match of its own.
template <typename Pred>
void char_segments(const NormalizedText& text, size_t begin, size_t end, Pred pred,
                   std::vector<Segment>& segments) {
  segments.clear();
  size_t last = begin;
  for (size_t i = begin; i < end; ++i) {
    if (pred(text.chars[i])) {
      if (last < i) segments.push_back({last, i, false});
      segments.push_back({i, i + 1, true});
      last = i + 1;
    }
  }
  if (last < end) segments.push_back({last, end, false});
}

class BertPreTokenizer : public PreTokenizer {
 protected:
  bool splits_only() const override { return true; }
  // Whitespace separates and disappears; each punctuation character is a piece of its own.
  void split(const NormalizedText& text, size_t begin, size_t end, Pieces& out) const override {
    size_t word = begin;
    for (size_t i = begin; i < end; ++i) {
      char32_t c = text.chars[i];
      if (is_whitespace(c)) {
        out.add(text, word, i);
        word = i + 1;
      } else if (is_punctuation(c)) {
        out.add(text, word, i);
        out.add(text, i, i + 1);
        word = i + 1;
      }
    }
    out.add(text, word, end);
  }
};

class WhitespaceSplit : public PreTokenizer {
 protected:
  bool splits_only() const override { return true; }
  void split(const NormalizedText& text, size_t begin, size_t end, Pieces& out) const override {
    size_t word = begin;
    for (size_t i = begin; i < end; ++i) {
      if (is_whitespace(text.chars[i])) {
        out.add(text, word, i);
        word = i + 1;
      }
    }
    out.add(text, word, end);
  }
};

class WhitespacePreTokenizer : public PreTokenizer {  // \w+|[^\w\s]+
 protected:
  bool splits_only() const override { return true; }
  void split(const NormalizedText& text, size_t begin, size_t end, Pieces& out) const override {
    size_t i = begin;
    while (i < end) {
      char32_t c = text.chars[i];
      if (is_whitespace(c)) {
        ++i;
        continue;
      }
      bool word = is_word_char(c);
      size_t j = i + 1;
      while (j < end && !is_whitespace(text.chars[j]) && is_word_char(text.chars[j]) == word) ++j;
      out.add(text, i, j);
      i = j;
    }
  }
};

class PunctuationPreTokenizer : public PreTokenizer {
 public:
  explicit PunctuationPreTokenizer(const Json& j)
      : behavior_(parse_behavior(j, "Punctuation pre-tokenizer", Behavior::kIsolated)) {}

 protected:
  bool splits_only() const override { return true; }
  void split(const NormalizedText& text, size_t begin, size_t end, Pieces& out) const override {
    std::vector<Segment> segments;
    char_segments(text, begin, end, is_punctuation, segments);
    split_segments(text, segments, behavior_, out);
  }

 private:
  Behavior behavior_;
};

class DigitsPreTokenizer : public PreTokenizer {
 public:
  explicit DigitsPreTokenizer(const Json& j)
      : individual_(bool_field(j, "individual_digits", "Digits pre-tokenizer", false)) {}

 protected:
  bool splits_only() const override { return true; }
  void split(const NormalizedText& text, size_t begin, size_t end, Pieces& out) const override {
    std::vector<Segment> segments;
    char_segments(text, begin, end, is_numeric, segments);
    split_segments(text, segments, individual_ ? Behavior::kIsolated : Behavior::kContiguous, out);
  }

 private:
  bool individual_;
};

class CharDelimiterSplit : public PreTokenizer {
 public:
  explicit CharDelimiterSplit(const Json& j) {
    std::string d = string_field(j, "delimiter", "CharDelimiterSplit");
    validate_utf8(d, "CharDelimiterSplit delimiter");
    size_t pos = 0;
    if (d.empty()) bad_json("CharDelimiterSplit", "empty delimiter");
    delimiter_ = next_codepoint(d, pos);
  }

 protected:
  bool splits_only() const override { return true; }
  void split(const NormalizedText& text, size_t begin, size_t end, Pieces& out) const override {
    std::vector<Segment> segments;
    char_segments(
        text, begin, end, [&](char32_t c) { return c == delimiter_; }, segments);
    split_segments(text, segments, Behavior::kRemoved, out);
  }

 private:
  char32_t delimiter_;
};

class SplitPreTokenizer : public PreTokenizer {
 public:
  explicit SplitPreTokenizer(const Json& j)
      : pattern_(make_pattern(j, "Split pre-tokenizer")),
        behavior_(parse_behavior(j, "Split pre-tokenizer", Behavior::kIsolated)),
        invert_(bool_field(j, "invert", "Split pre-tokenizer", false)) {
    if (!field(j, "behavior")) bad_json("Split pre-tokenizer", "missing 'behavior'");
  }

 protected:
  bool splits_only() const override { return true; }
  void split(const NormalizedText& text, size_t begin, size_t end, Pieces& out) const override {
    std::vector<Match> matches;
    pattern_->find_all(text.chars.data() + begin, end - begin, matches);
    std::vector<Segment> segments;
    size_t last = begin;
    for (const Match& m : matches) {
      size_t b = begin + m.begin, e = begin + m.end;
      if (last < b) segments.push_back({last, b, invert_});
      segments.push_back({b, e, !invert_});
      last = e;
    }
    if (last < end) segments.push_back({last, end, invert_});
    split_segments(text, segments, behavior_, out);
  }

 private:
  std::unique_ptr<Pattern> pattern_;
  Behavior behavior_;
  bool invert_;
};

class ByteLevelPreTokenizer : public PreTokenizer {
 public:
  explicit ByteLevelPreTokenizer(const Json& j)
      : add_prefix_space_(bool_field(j, "add_prefix_space", "ByteLevel pre-tokenizer", true)),
        use_regex_(bool_field(j, "use_regex", "ByteLevel pre-tokenizer", true)),
        pattern_(compile_regex(kGpt2Pattern)) {}

 protected:
  void split(const NormalizedText& text, size_t begin, size_t end, Pieces& out) const override {
    thread_local NormalizedText prefixed;
    const NormalizedText* src = &text;
    if (add_prefix_space_ && text.chars[begin] != ' ') {
      prefixed.clear();
      prefixed.push(' ', text.align[begin]);
      prefixed.chars.append(text.chars, begin, end - begin);
      prefixed.align.insert(prefixed.align.end(), text.align.begin() + begin,
                            text.align.begin() + end);
      src = &prefixed;
      end = prefixed.size();
      begin = 0;
    }
    thread_local std::vector<Match> matches;
    matches.clear();
    if (use_regex_) {
      pattern_->find_all(src->chars.data() + begin, end - begin, matches);
    } else {
      matches.push_back({0, end - begin});
    }
    const auto& table = byte_to_char();
    char buf[4];
    for (const Match& m : matches) {
      uint32_t piece_begin = uint32_t(out.text.size());
      for (size_t i = begin + m.begin; i < begin + m.end; ++i) {
        char32_t c = src->chars[i];
        Align a = src->align[i];
        if (c < 0x80) {
          out.text.push(table[c], a);
          continue;
        }
        int len = encode(c, buf);
        for (int k = 0; k < len; ++k) out.text.push(table[static_cast<unsigned char>(buf[k])], a);
      }
      if (out.text.size() > piece_begin) {
        out.spans.push_back({piece_begin, uint32_t(out.text.size()), -1});
      }
    }
    release_if_large(prefixed);
    release_if_large(matches);
  }

 private:
  static int encode(char32_t c, char* b) {
    if (c < 0x800) {
      b[0] = char(0xC0 | (c >> 6));
      b[1] = char(0x80 | (c & 0x3F));
      return 2;
    }
    if (c < 0x10000) {
      b[0] = char(0xE0 | (c >> 12));
      b[1] = char(0x80 | ((c >> 6) & 0x3F));
      b[2] = char(0x80 | (c & 0x3F));
      return 3;
    }
    b[0] = char(0xF0 | (c >> 18));
    b[1] = char(0x80 | ((c >> 12) & 0x3F));
    b[2] = char(0x80 | ((c >> 6) & 0x3F));
    b[3] = char(0x80 | (c & 0x3F));
    return 4;
  }
  bool add_prefix_space_, use_regex_;
  std::unique_ptr<Pattern> pattern_;
};

class MetaspacePreTokenizer : public PreTokenizer {
 public:
  enum class Prepend { kAlways, kFirst, kNever };
  explicit MetaspacePreTokenizer(const Json& j) {
    const std::string where = "Metaspace pre-tokenizer";
    std::string r = string_field(j, "replacement", where, "\xE2\x96\x81");
    validate_utf8(r, where + " replacement");
    size_t pos = 0;
    if (r.empty()) bad_json(where, "empty replacement");
    replacement_ = next_codepoint(r, pos);
    split_ = bool_field(j, "split", where, true);
    if (const Json* scheme = field(j, "prepend_scheme")) {
      std::string s = scheme->is_string() ? scheme->get<std::string>() : "";
      if (s == "always")
        prepend_ = Prepend::kAlways;
      else if (s == "first")
        prepend_ = Prepend::kFirst;
      else if (s == "never")
        prepend_ = Prepend::kNever;
      else
        bad_json(where, "unknown prepend_scheme");
    } else {
      prepend_ =
          bool_field(j, "add_prefix_space", where, true) ? Prepend::kAlways : Prepend::kNever;
    }
  }

 protected:
  void split(const NormalizedText& text, size_t begin, size_t end, Pieces& out) const override {
    // Written straight into out.text; the pieces are spans of it.
    NormalizedText& t = out.text;
    const size_t base = t.size();
    bool prepend = text.chars[begin] != ' ' && text.chars[begin] != replacement_ &&
                   (prepend_ == Prepend::kAlways ||
                    (prepend_ == Prepend::kFirst && text.align[begin].start == 0));
    if (prepend) t.push(replacement_, text.align[begin]);
    for (size_t i = begin; i < end; ++i) {
      t.push(text.chars[i] == ' ' ? replacement_ : text.chars[i], text.align[i]);
    }
    if (!split_) {
      out.add(t, base, t.size());
      return;
    }
    // Split before every replacement character (MergedWithNext).
    size_t piece = base;
    for (size_t i = base + 1; i < t.size(); ++i) {
      if (t.chars[i] == replacement_) {
        out.add(t, piece, i);
        piece = i;
      }
    }
    out.add(t, piece, t.size());
  }

 private:
  char32_t replacement_;
  bool split_;
  Prepend prepend_;
};

}  // namespace

class SequencePreTokenizer : public PreTokenizer {
 public:
  explicit SequencePreTokenizer(const Json& j) {
    const Json* list = field(j, "pretokenizers");
    if (!list || !list->is_array())
      bad_json("Sequence pre-tokenizer", "missing array 'pretokenizers'");
    for (const Json& item : *list) {
      if (auto p = make_pre_tokenizer(item)) parts_.push_back(std::move(p));
    }
  }

  // Each part over all pieces in turn (the same as piece by piece: pre-tokenizers act per piece).
  void pre_tokenize(Pieces& in, Pieces& out) const override {
    Pieces a, b;
    std::swap(a, in);
    for (const auto& p : parts_) {
      p->pre_tokenize(a, b);
      std::swap(a, b);
    }
    std::swap(out, a);
    std::swap(in, b);  // keeps some capacity for the caller's next text
  }

 protected:
  void split(const NormalizedText& text, size_t begin, size_t end, Pieces& out) const override {
    Pieces a, b;
    a.add(text, begin, end);
    pre_tokenize(a, b);
    for (const auto& span : b.spans) out.add(b.text, span.begin, span.end, span.fixed_id);
  }

 private:
  std::vector<std::unique_ptr<PreTokenizer>> parts_;
};

std::unique_ptr<PreTokenizer> make_pre_tokenizer(const Json& j) {
  if (j.is_null()) return nullptr;
  if (!j.is_object()) bad_json("pre_tokenizer", "must be an object or null");
  std::string type = string_field(j, "type", "pre_tokenizer");
  if (type == "BertPreTokenizer") return std::make_unique<BertPreTokenizer>();
  if (type == "WhitespaceSplit") return std::make_unique<WhitespaceSplit>();
  if (type == "Whitespace") return std::make_unique<WhitespacePreTokenizer>();
  if (type == "Punctuation") return std::make_unique<PunctuationPreTokenizer>(j);
  if (type == "Digits") return std::make_unique<DigitsPreTokenizer>(j);
  if (type == "CharDelimiterSplit") return std::make_unique<CharDelimiterSplit>(j);
  if (type == "Split") return std::make_unique<SplitPreTokenizer>(j);
  if (type == "ByteLevel") return std::make_unique<ByteLevelPreTokenizer>(j);
  if (type == "Metaspace") return std::make_unique<MetaspacePreTokenizer>(j);
  if (type == "Sequence") return std::make_unique<SequencePreTokenizer>(j);
  unsupported("pre-tokenizer", type);
}

}  // namespace osprey::tokenizers
