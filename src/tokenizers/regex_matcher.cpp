#include "tokenizers/regex_matcher.h"

#include <functional>

#include "core/error.h"
#include "text/text_properties.h"
#include "text/unicode.h"
#include "text/utf8.h"

namespace osprey::tokenizers {

const char* const kGpt2Pattern =
    "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

namespace {

using unicode::GeneralCategory;

[[noreturn]] void unsupported_regex(const std::string& regex, const std::string& what) {
  throw Error(ErrorCode::kUnsupportedFormat, "tokenizer.json: unsupported regex construct " + what +
                                                 " in pattern '" + regex + "'");
}

// ---- Character classes ------------------------------------------------------------------------

// A set of general categories as a bit mask, plus special sets.
enum : uint64_t { kWhitespaceBit = 1ull << 40, kWordBit = 1ull << 41, kAnyBit = 1ull << 42 };

uint64_t category_bit(GeneralCategory c) {
  return 1ull << int(c);
}

uint64_t category_mask(const std::string& name, const std::string& regex) {
  static const char* kNames[] = {"Cn", "Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Mc", "Me", "Nd",
                                 "Nl", "No", "Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "Sm",
                                 "Sc", "Sk", "So", "Zs", "Zl", "Zp", "Cc", "Cf", "Cs", "Co"};
  std::string n = name;
  if (n == "Letter") n = "L";
  if (n == "Number") n = "N";
  if (n == "Punctuation") n = "P";
  if (n == "Mark") n = "M";
  if (n == "Symbol") n = "S";
  if (n == "Separator") n = "Z";
  if (n == "Other") n = "C";
  uint64_t mask = 0;
  for (int i = 0; i < 30; ++i) {
    std::string cat = kNames[i];
    if (cat == n || (n.size() == 1 && cat[0] == n[0])) mask |= 1ull << i;
  }
  if (n == "L&")
    mask = category_bit(GeneralCategory::Lu) | category_bit(GeneralCategory::Ll) |
           category_bit(GeneralCategory::Lt);
  if (!mask) unsupported_regex(regex, "\\p{" + name + "}");
  return mask;
}

struct CharClass {
  std::vector<std::pair<char32_t, char32_t>> ranges;
  uint64_t sets = 0;      // category bits and special sets
  uint64_t not_sets = 0;  // negated sets (\S, \W, \P{..} inside a class)
  bool negated = false;
  bool ignore_case = false;

  bool in_set(uint64_t mask, char32_t c) const {
    if (!mask) return false;
    if ((mask & kAnyBit)) return true;
    if ((mask & kWhitespaceBit) && unicode::is_whitespace(c)) return true;
    uint64_t cat = category_bit(unicode::category(c));
    // \w as UTS #18 defines it (and the Rust reference matches): Alphabetic, marks, decimal
    // digits, connector punctuation, join controls.
    if ((mask & kWordBit) && (unicode::is_alphabetic(c) || c == 0x200C || c == 0x200D ||
                              (cat & (category_mask("M", "") | category_bit(GeneralCategory::Nd) |
                                      category_bit(GeneralCategory::Pc))))) {
      return true;
    }
    return (mask & cat & ((1ull << 30) - 1)) != 0;
  }
  bool raw_matches(char32_t c) const {
    for (auto& r : ranges) {
      if (c >= r.first && c <= r.second) return true;
    }
    if (in_set(sets, c)) return true;
    if (not_sets) {
      for (int bit = 0; bit < 43; ++bit) {
        uint64_t b = 1ull << bit;
        if ((not_sets & b) && !in_set(b, c)) return true;
      }
    }
    return false;
  }
  bool matches(char32_t c) const {
    bool m = raw_matches(c);
    if (!m && ignore_case)
      m = raw_matches(unicode::to_lower(c)) || raw_matches(unicode::to_upper(c));
    return m != negated;
  }
};

// ---- Syntax tree --------------------------------------------------------------------------------

struct Node {
  enum Kind { kEmpty, kClass, kSeq, kAlt, kRepeat, kLookahead, kNegLookahead, kBegin, kEnd } kind;
  CharClass cls;
  std::vector<Node> children;
  int min = 0, max = -1;  // kRepeat; max -1 = unbounded
  bool greedy = true;
};

class Parser {
 public:
  explicit Parser(const std::string& regex) : regex_(regex) {
    validate_utf8(regex, "regex pattern");
    for (size_t pos = 0; pos < regex.size();) s_.push_back(next_codepoint(regex, pos));
  }
  Node parse() {
    Node n = alternation(false);
    if (i_ != s_.size()) unsupported_regex(regex_, "unbalanced ')'");
    return n;
  }

 private:
  bool eof() const { return i_ >= s_.size(); }
  char32_t peek() const { return s_[i_]; }

  Node alternation(bool ignore_case) {
    Node alt{Node::kAlt, {}, {}, 0, -1, true};
    alt.children.push_back(sequence(ignore_case));
    while (!eof() && peek() == '|') {
      ++i_;
      alt.children.push_back(sequence(ignore_case));
    }
    return alt.children.size() == 1 ? std::move(alt.children[0]) : std::move(alt);
  }

  Node sequence(bool ignore_case) {
    Node seq{Node::kSeq, {}, {}, 0, -1, true};
    while (!eof() && peek() != '|' && peek() != ')') {
      Node atom_node = atom(ignore_case);
      quantifier(atom_node);
      seq.children.push_back(std::move(atom_node));
    }
    return seq;
  }

  void quantifier(Node& atom_node) {
    while (!eof()) {
      char32_t c = peek();
      int mn, mx;
      if (c == '?')
        mn = 0, mx = 1;
      else if (c == '*')
        mn = 0, mx = -1;
      else if (c == '+')
        mn = 1, mx = -1;
      else if (c == '{' && brace_quantifier(mn, mx)) {
      } else {
        return;
      }
      if (c != '{') ++i_;
      Node rep{Node::kRepeat, {}, {}, mn, mx, true};
      if (!eof() && peek() == '?') {
        rep.greedy = false;
        ++i_;
      } else if (!eof() && peek() == '+') {
        unsupported_regex(regex_, "possessive quantifier");
      }
      rep.children.push_back(std::move(atom_node));
      atom_node = std::move(rep);
    }
  }

  bool brace_quantifier(int& mn, int& mx) {
    size_t j = i_ + 1;
    auto number = [&](int& out) {
      size_t start = j;
      out = 0;
      while (j < s_.size() && s_[j] >= '0' && s_[j] <= '9') out = out * 10 + int(s_[j++] - '0');
      return j > start;
    };
    if (!number(mn)) return false;
    mx = mn;
    if (j < s_.size() && s_[j] == ',') {
      ++j;
      if (!number(mx)) mx = -1;
    }
    if (j >= s_.size() || s_[j] != '}') return false;
    i_ = j + 1;
    return true;
  }

  Node atom(bool ignore_case) {
    char32_t c = s_[i_++];
    Node n{Node::kClass, {}, {}, 0, -1, true};
    n.cls.ignore_case = ignore_case;
    switch (c) {
      case '(':
        return group(ignore_case);
      case '[':
        class_body(n.cls);
        return n;
      case '.':
        n.cls.sets = kAnyBit;
        n.cls.ranges.clear();
        n.cls.negated = false;
        // '.' does not match a line feed.
        n.cls.sets = 0;
        n.cls.negated = true;
        n.cls.ranges.push_back({'\n', '\n'});
        return n;
      case '^':
        return Node{Node::kBegin, {}, {}, 0, -1, true};
      case '$':
        return Node{Node::kEnd, {}, {}, 0, -1, true};
      case '\\':
        escape(n.cls, false);
        return n;
      default:
        n.cls.ranges.push_back({c, c});
        return n;
    }
  }

  Node group(bool ignore_case) {
    Node::Kind kind = Node::kSeq;
    if (!eof() && peek() == '?') {
      ++i_;
      if (eof()) unsupported_regex(regex_, "'(?'");
      char32_t k = s_[i_++];
      if (k == ':') {
      } else if (k == '!') {
        kind = Node::kNegLookahead;
      } else if (k == '=') {
        kind = Node::kLookahead;
      } else if (k == 'i' && !eof() && peek() == ':') {
        ++i_;
        ignore_case = true;
      } else {
        unsupported_regex(regex_, std::string("group '(?") + char(k) + "'");
      }
    }
    Node inner = alternation(ignore_case);
    if (eof() || peek() != ')') unsupported_regex(regex_, "unclosed '('");
    ++i_;
    if (kind == Node::kSeq) return inner;
    Node n{kind, {}, {}, 0, -1, true};
    n.children.push_back(std::move(inner));
    return n;
  }

  void class_body(CharClass& cls) {
    if (!eof() && peek() == '^') {
      cls.negated = true;
      ++i_;
    }
    bool first = true;
    while (!eof() && (peek() != ']' || first)) {
      first = false;
      char32_t c = s_[i_++];
      char32_t lo;
      if (c == '\\') {
        CharClass sub;
        if (escape(sub, true)) {
          cls.sets |= sub.sets;
          cls.not_sets |= sub.not_sets;
          if (sub.negated) cls.not_sets |= sub.sets;
          continue;
        }
        lo = sub.ranges[0].first;
      } else if (c == '[') {
        unsupported_regex(regex_, "nested class");
      } else {
        lo = c;
      }
      char32_t hi = lo;
      if (i_ + 1 < s_.size() && peek() == '-' && s_[i_ + 1] != ']') {
        ++i_;
        char32_t h = s_[i_++];
        if (h == '\\') {
          CharClass sub;
          if (escape(sub, true)) unsupported_regex(regex_, "class range to a set");
          h = sub.ranges[0].first;
        }
        hi = h;
      }
      cls.ranges.push_back({lo, hi});
    }
    if (eof()) unsupported_regex(regex_, "unclosed '['");
    ++i_;
  }

  // Parses the escape after '\'. Returns true when it denotes a set (then `cls.sets`, with
  // `cls.negated` for \S \W \P inside classes), false for a single character in cls.ranges[0].
  bool escape(CharClass& cls, bool in_class) {
    if (eof()) unsupported_regex(regex_, "trailing '\\'");
    char32_t c = s_[i_++];
    auto set = [&](uint64_t bits, bool negate) {
      if (in_class) {
        cls.sets = bits;
        cls.negated = negate;
      } else {
        cls.sets = bits;
        cls.negated = negate;
      }
      return true;
    };
    switch (c) {
      case 's':
        return set(kWhitespaceBit, false);
      case 'S':
        return set(kWhitespaceBit, true);
      case 'd':
        return set(category_bit(GeneralCategory::Nd), false);
      case 'D':
        return set(category_bit(GeneralCategory::Nd), true);
      case 'w':
        return set(kWordBit, false);
      case 'W':
        return set(kWordBit, true);
      case 'p':
      case 'P': {
        std::string name;
        if (!eof() && peek() == '{') {
          ++i_;
          while (!eof() && peek() != '}') append_utf8(name, s_[i_++]);
          if (eof()) unsupported_regex(regex_, "unclosed \\p{");
          ++i_;
        } else if (!eof()) {
          append_utf8(name, s_[i_++]);
        }
        bool negate = c == 'P';
        if (!name.empty() && name[0] == '^') {
          negate = !negate;
          name.erase(0, 1);
        }
        return set(category_mask(name, regex_), negate);
      }
      case 'n':
        cls.ranges.push_back({'\n', '\n'});
        return false;
      case 'r':
        cls.ranges.push_back({'\r', '\r'});
        return false;
      case 't':
        cls.ranges.push_back({'\t', '\t'});
        return false;
      case 'f':
        cls.ranges.push_back({'\f', '\f'});
        return false;
      case 'v':
        cls.ranges.push_back({'\v', '\v'});
        return false;
      case '0':
        cls.ranges.push_back({0, 0});
        return false;
      case 'x': {
        char32_t v = 0;
        bool brace = !eof() && peek() == '{';
        if (brace) ++i_;
        int digits = 0;
        while (!eof() && (brace ? peek() != '}' : digits < 2)) {
          char32_t h = s_[i_++];
          int d = (h >= '0' && h <= '9')   ? int(h - '0')
                  : (h >= 'a' && h <= 'f') ? int(h - 'a' + 10)
                  : (h >= 'A' && h <= 'F') ? int(h - 'A' + 10)
                                           : -1;
          if (d < 0) unsupported_regex(regex_, "bad \\x escape");
          v = v * 16 + char32_t(d);
          ++digits;
        }
        if (brace) ++i_;
        cls.ranges.push_back({v, v});
        return false;
      }
      default:
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '1' && c <= '9')) {
          unsupported_regex(regex_, std::string("escape '\\") + char(c) + "'");
        }
        cls.ranges.push_back({c, c});
        return false;
    }
  }

  std::string regex_;
  std::u32string s_;
  size_t i_ = 0;
};

// ---- Backtracking matcher -----------------------------------------------------------------------

using Continuation = std::function<bool(size_t)>;

class Matcher {
 public:
  Matcher(const char32_t* text, size_t n) : t_(text), n_(n) {}

  bool match(const Node& node, size_t pos, const Continuation& k) {
    if (++depth_ > kMaxDepth) {
      throw Error(ErrorCode::kLimitExceeded,
                  "regex pre-tokenizer: text too deeply nested to match");
    }
    bool r = match_inner(node, pos, k);
    --depth_;
    return r;
  }

 private:
  static constexpr int kMaxDepth = 20000;

  bool match_inner(const Node& node, size_t pos, const Continuation& k) {
    switch (node.kind) {
      case Node::kEmpty:
        return k(pos);
      case Node::kClass:
        return pos < n_ && node.cls.matches(t_[pos]) && k(pos + 1);
      case Node::kSeq:
        return sequence(node, 0, pos, k);
      case Node::kAlt:
        for (const Node& child : node.children) {
          if (match(child, pos, k)) return true;
        }
        return false;
      case Node::kRepeat:
        return repeat(node, pos, k);
      case Node::kLookahead:
        return match(node.children[0], pos, [](size_t) { return true; }) && k(pos);
      case Node::kNegLookahead:
        return !match(node.children[0], pos, [](size_t) { return true; }) && k(pos);
      case Node::kBegin:
        return pos == 0 && k(pos);
      case Node::kEnd:
        return pos == n_ && k(pos);
    }
    return false;
  }

  bool sequence(const Node& seq, size_t index, size_t pos, const Continuation& k) {
    if (index == seq.children.size()) return k(pos);
    if (index + 1 == seq.children.size()) return match(seq.children[index], pos, k);
    return match(seq.children[index], pos,
                 [&](size_t p) { return sequence(seq, index + 1, p, k); });
  }

  bool repeat(const Node& rep, size_t pos, const Continuation& k) {
    const Node& child = rep.children[0];
    size_t max = rep.max < 0 ? SIZE_MAX : size_t(rep.max);
    if (child.kind == Node::kClass) {
      // Single-character repetition: no recursion per character.
      size_t count = 0;
      while (count < max && pos + count < n_ && child.cls.matches(t_[pos + count])) ++count;
      if (count < size_t(rep.min)) return false;
      if (rep.greedy) {
        for (size_t c = count + 1; c-- > size_t(rep.min);) {
          if (k(pos + c)) return true;
        }
      } else {
        for (size_t c = rep.min; c <= count; ++c) {
          if (k(pos + c)) return true;
        }
      }
      return false;
    }
    return repeat_general(child, rep, 0, pos, k, max);
  }

  bool repeat_general(const Node& child, const Node& rep, size_t count, size_t pos,
                      const Continuation& k, size_t max) {
    auto more = [&]() {
      return count < max && match(child, pos, [&](size_t p) {
               if (p == pos) return false;  // an empty iteration cannot make progress
               return repeat_general(child, rep, count + 1, p, k, max);
             });
    };
    bool enough = count >= size_t(rep.min);
    if (rep.greedy) return more() || (enough && k(pos));
    return (enough && k(pos)) || more();
  }

  const char32_t* t_;
  size_t n_;
  int depth_ = 0;
};

class RegexPattern : public Pattern {
 public:
  explicit RegexPattern(const std::string& regex) : root_(Parser(regex).parse()) {}
  void find_all(const char32_t* text, size_t n, std::vector<Match>& out) const override {
    Matcher m(text, n);
    size_t pos = 0;
    while (pos < n) {
      size_t end = 0;
      size_t start = pos;
      bool found = false;
      for (; start < n; ++start) {
        if (m.match(root_, start, [&](size_t e) {
              end = e;
              return true;
            })) {
          found = true;
          break;
        }
      }
      if (!found) break;
      if (end > start) out.push_back({start, end});
      pos = end > start ? end : start + 1;
    }
  }

 private:
  Node root_;
};

// GPT-2: 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
class Gpt2Pattern : public Pattern {
 public:
  void find_all(const char32_t* t, size_t n, std::vector<Match>& out) const override {
    size_t i = 0;
    while (i < n) {
      size_t end = match_at(t, n, i);
      out.push_back({i, end});
      i = end;
    }
  }

 private:
  enum Kind { kLetter, kNumber, kSpace, kOther };
  static Kind kind(char32_t c) {
    if (c < 0x80) {
      if ((c | 32) >= 'a' && (c | 32) <= 'z') return kLetter;
      if (c >= '0' && c <= '9') return kNumber;
      if (c == ' ' || (c >= 9 && c <= 13)) return kSpace;
      return kOther;
    }
    if (unicode::is_whitespace(c)) return kSpace;
    auto cat = unicode::category(c);
    if (cat >= GeneralCategory::Lu && cat <= GeneralCategory::Lo) return kLetter;
    if (cat >= GeneralCategory::Nd && cat <= GeneralCategory::No) return kNumber;
    return kOther;
  }
  static size_t run(const char32_t* t, size_t n, size_t i, Kind k) {
    while (i < n && kind(t[i]) == k) ++i;
    return i;
  }
  static size_t match_at(const char32_t* t, size_t n, size_t i) {
    char32_t c = t[i];
    if (c == '\'' && i + 1 < n) {
      char32_t a = t[i + 1];
      if (a == 's' || a == 't' || a == 'm' || a == 'd') return i + 2;
      if (i + 2 < n) {
        char32_t b = t[i + 2];
        if ((a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l'))
          return i + 3;
      }
    }
    Kind k = kind(c);
    size_t start = i;
    if (c == ' ' && i + 1 < n) {
      Kind next = kind(t[i + 1]);
      if (next != kSpace) {
        k = next;
        start = i + 1;
      }
    }
    if (k != kSpace) return run(t, n, start, k);
    size_t end = run(t, n, i, kSpace);
    if (end == n || end - i == 1) return end;
    return end - 1;  // \s+(?!\S): leave the last space to prefix the next word
  }
};

class LiteralPattern : public Pattern {
 public:
  explicit LiteralPattern(std::u32string literal) : literal_(std::move(literal)) {}
  void find_all(const char32_t* text, size_t n, std::vector<Match>& out) const override {
    size_t m = literal_.size();
    if (m == 0 || m > n) return;
    for (size_t i = 0; i + m <= n;) {
      if (std::char_traits<char32_t>::compare(text + i, literal_.data(), m) == 0) {
        out.push_back({i, i + m});
        i += m;
      } else {
        ++i;
      }
    }
  }

 private:
  std::u32string literal_;
};

}  // namespace

std::unique_ptr<Pattern> compile_regex(const std::string& regex) {
  if (regex == kGpt2Pattern) return std::make_unique<Gpt2Pattern>();
  return std::make_unique<RegexPattern>(regex);
}

std::unique_ptr<Pattern> literal_pattern(const std::u32string& literal) {
  return std::make_unique<LiteralPattern>(literal);
}

std::unique_ptr<Pattern> make_pattern(const Json& owner, const std::string& where) {
  const Json* p = field(owner, "pattern");
  if (!p || !p->is_object()) bad_json(where, "missing object 'pattern'");
  if (const Json* s = field(*p, "String")) {
    if (!s->is_string()) bad_json(where, "pattern.String must be a string");
    std::string text = s->get<std::string>();
    validate_utf8(text, where + " pattern");
    std::u32string u;
    for (size_t pos = 0; pos < text.size();) u.push_back(next_codepoint(text, pos));
    return literal_pattern(u);
  }
  if (const Json* r = field(*p, "Regex")) {
    if (!r->is_string()) bad_json(where, "pattern.Regex must be a string");
    return compile_regex(r->get<std::string>());
  }
  bad_json(where, "pattern must have 'String' or 'Regex'");
}

}  // namespace osprey::tokenizers
