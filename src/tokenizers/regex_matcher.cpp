#include "tokenizers/regex_matcher.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <unordered_map>

#include "core/error.h"
#include "text/text_properties.h"
#include "text/unicode.h"
#include "text/utf8.h"

namespace osprey::tokenizers {

const char* const kGpt2Pattern =
    "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

namespace {

using unicode::GeneralCategory;

// The pattern as quoted in errors: patterns can be long, messages should not be.
std::string quoted(const std::string& regex) {
  if (regex.size() <= 120) return "'" + regex + "'";
  size_t cut = 120;
  while (cut > 0 && (static_cast<unsigned char>(regex[cut]) & 0xC0) == 0x80) --cut;
  return "'" + regex.substr(0, cut) + "...' (" + std::to_string(regex.size()) + " bytes)";
}

[[noreturn]] void unsupported_regex(const std::string& regex, const std::string& what) {
  throw Error(ErrorCode::kUnsupportedFormat, "tokenizer.json: unsupported regex construct " + what +
                                                 " in pattern " + quoted(regex));
}

[[noreturn]] void regex_limit(const std::string& regex, const std::string& what) {
  throw Error(ErrorCode::kLimitExceeded,
              "tokenizer.json: regex " + what + " in pattern " + quoted(regex));
}

// ---- Character classes ------------------------------------------------------------------------

// A set of general categories as a bit mask, plus special sets.
enum : uint64_t { kWhitespaceBit = 1ull << 40, kWordBit = 1ull << 41, kAnyBit = 1ull << 42 };
constexpr uint64_t kCategoryBits = (1ull << 30) - 1;

constexpr uint64_t category_bit(GeneralCategory c) {
  return 1ull << int(c);
}

// Marks, decimal digits and connector punctuation: the categories that \w adds to Alphabetic.
constexpr uint64_t kWordCategories =
    category_bit(GeneralCategory::Mn) | category_bit(GeneralCategory::Mc) |
    category_bit(GeneralCategory::Me) | category_bit(GeneralCategory::Nd) |
    category_bit(GeneralCategory::Pc);

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

bool in_set(uint64_t mask, char32_t c) {
  if (!mask) return false;
  if (mask & kAnyBit) return true;
  if ((mask & kWhitespaceBit) && unicode::is_whitespace(c)) return true;
  uint64_t cat = category_bit(unicode::category(c));
  // \w as UTS #18 defines it (and the Rust reference matches): Alphabetic, marks, decimal
  // digits, connector punctuation, join controls.
  if ((mask & kWordBit) &&
      (unicode::is_alphabetic(c) || c == 0x200C || c == 0x200D || (cat & kWordCategories))) {
    return true;
  }
  return (mask & cat & kCategoryBits) != 0;
}

struct CharClass {
  std::vector<std::pair<char32_t, char32_t>> ranges;  // sorted and merged by finish()
  uint64_t sets = 0;                                  // category bits and special sets
  uint64_t not_sets = 0;  // negated sets (\S, \W, \P{..} inside a class)
  bool negated = false;
  bool ignore_case = false;
  uint64_t ascii[2] = {0, 0};  // matches() for U+0000..U+007F, the common case

  void finish() {
    std::sort(ranges.begin(), ranges.end());
    std::vector<std::pair<char32_t, char32_t>> merged;
    for (const auto& r : ranges) {
      if (r.first > r.second) continue;  // [z-a] matches nothing
      if (!merged.empty() && r.first <= merged.back().second + 1) {
        merged.back().second = std::max(merged.back().second, r.second);
      } else {
        merged.push_back(r);
      }
    }
    ranges = std::move(merged);
    for (char32_t c = 0; c < 128; ++c) {
      if (slow_matches(c)) ascii[c >> 6] |= 1ull << (c & 63);
    }
  }
  bool raw_matches(char32_t c) const {
    auto it = std::upper_bound(
        ranges.begin(), ranges.end(), c,
        [](char32_t v, const std::pair<char32_t, char32_t>& r) { return v < r.first; });
    if (it != ranges.begin() && c <= std::prev(it)->second) return true;
    if (in_set(sets, c)) return true;
    for (uint64_t m = not_sets; m; m &= m - 1) {
      if (!in_set(m & (~m + 1), c)) return true;
    }
    return false;
  }
  bool slow_matches(char32_t c) const {
    bool m = raw_matches(c);
    if (!m && ignore_case)
      m = raw_matches(unicode::to_lower(c)) || raw_matches(unicode::to_upper(c));
    return m != negated;
  }
  bool matches(char32_t c) const {
    return c < 128 ? (ascii[c >> 6] >> (c & 63)) & 1 : slow_matches(c);
  }
};

// ---- Syntax tree --------------------------------------------------------------------------------

struct Node {
  enum Kind { kEmpty, kClass, kSeq, kAlt, kRepeat, kLookahead, kNegLookahead, kBegin, kEnd } kind;
  CharClass cls;
  std::vector<Node> children;
  int min = 0, max = -1;  // kRepeat; max -1 = unbounded
  bool greedy = true;
  int nest = 0;  // groups, lookaheads and quantifiers inside (bounds every recursion over the tree)
};

Node make_node(Node::Kind kind) {
  Node n;
  n.kind = kind;
  return n;
}

// Recursive descent; the recursion is bounded by kMaxRegexNesting (checked on entering a group).
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
    Node alt = make_node(Node::kAlt);
    alt.children.push_back(sequence(ignore_case));
    while (!eof() && peek() == '|') {
      ++i_;
      alt.children.push_back(sequence(ignore_case));
    }
    if (alt.children.size() == 1) return std::move(alt.children[0]);
    for (const Node& c : alt.children) alt.nest = std::max(alt.nest, c.nest);
    return alt;
  }

  Node sequence(bool ignore_case) {
    Node seq = make_node(Node::kSeq);
    while (!eof() && peek() != '|' && peek() != ')') {
      Node atom_node = atom(ignore_case);
      quantifier(atom_node);
      seq.nest = std::max(seq.nest, atom_node.nest);
      seq.children.push_back(std::move(atom_node));
    }
    if (seq.children.size() == 1) return std::move(seq.children[0]);
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
      Node rep = make_node(Node::kRepeat);
      rep.min = mn;
      rep.max = mx;
      if (!eof() && peek() == '?') {
        rep.greedy = false;
        ++i_;
      } else if (!eof() && peek() == '+') {
        unsupported_regex(regex_, "possessive quantifier");
      }
      rep.nest = atom_node.nest + 1;
      if (rep.nest > kMaxRegexNesting) nesting_limit();
      rep.children.push_back(std::move(atom_node));
      atom_node = std::move(rep);
    }
  }

  // {m}, {m,} or {m,n}; anything else is a literal '{' (as in Oniguruma and Rust).
  bool brace_quantifier(int& mn, int& mx) {
    size_t j = i_ + 1;
    auto number = [&](int& out) {
      size_t start = j;
      long long v = 0;
      while (j < s_.size() && s_[j] >= '0' && s_[j] <= '9') {
        v = std::min(v * 10 + (s_[j++] - '0'), 1ll << 40);  // saturates: no overflow
      }
      out = int(std::min<long long>(v, INT32_MAX));
      return j > start;
    };
    if (!number(mn)) return false;
    mx = mn;
    if (j < s_.size() && s_[j] == ',') {
      ++j;
      if (!number(mx)) mx = -1;
    }
    if (j >= s_.size() || s_[j] != '}') return false;
    if (mn > kMaxRegexRepeat || mx > kMaxRegexRepeat) {
      std::string quantifier;
      for (size_t k = i_; k <= j; ++k) append_utf8(quantifier, s_[k]);
      regex_limit(regex_, "repetition count " + quantifier + " exceeds the limit of " +
                              std::to_string(kMaxRegexRepeat));
    }
    if (mx >= 0 && mn > mx) {
      unsupported_regex(regex_, "repetition {" + std::to_string(mn) + "," + std::to_string(mx) +
                                    "} (min above max)");
    }
    i_ = j + 1;
    return true;
  }

  Node atom(bool ignore_case) {
    char32_t c = s_[i_++];
    Node n = make_node(Node::kClass);
    n.cls.ignore_case = ignore_case;
    switch (c) {
      case '(':
        return group(ignore_case);
      case '[':
        class_body(n.cls);
        break;
      case '.':
        // '.' matches anything but a line feed.
        n.cls.negated = true;
        n.cls.ranges.push_back({'\n', '\n'});
        break;
      case '^':
        return make_node(Node::kBegin);
      case '$':
        return make_node(Node::kEnd);
      case '\\':
        escape(n.cls, false);
        break;
      default:
        n.cls.ranges.push_back({c, c});
        break;
    }
    n.cls.finish();
    return n;
  }

  [[noreturn]] void nesting_limit() const {
    regex_limit(regex_, "nesting deeper than the limit of " + std::to_string(kMaxRegexNesting) +
                            " (groups, lookaheads and stacked quantifiers)");
  }

  Node group(bool ignore_case) {
    if (++depth_ > kMaxRegexNesting) nesting_limit();
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
        std::string construct = "group '(?";
        append_utf8(construct, k);
        unsupported_regex(regex_, construct + "'");
      }
    }
    Node inner = alternation(ignore_case);
    if (eof() || peek() != ')') unsupported_regex(regex_, "unclosed '('");
    ++i_;
    --depth_;
    if (inner.nest + 1 > kMaxRegexNesting) nesting_limit();
    if (kind == Node::kSeq) {
      ++inner.nest;
      return inner;
    }
    Node n = make_node(kind);
    n.nest = inner.nest + 1;
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
          // \S, \W, \P{..} inside a class add the complement of their set.
          if (sub.negated)
            cls.not_sets |= sub.sets;
          else
            cls.sets |= sub.sets;
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

  // Parses the escape after '\'. Returns true when it denotes a set (in `cls.sets`, with
  // `cls.negated` for \S \W \P), false for a single character in cls.ranges[0].
  bool escape(CharClass& cls, bool in_class) {
    (void)in_class;
    if (eof()) unsupported_regex(regex_, "trailing '\\'");
    char32_t c = s_[i_++];
    auto set = [&](uint64_t bits, bool negate) {
      cls.sets = bits;
      cls.negated = negate;
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
          while (!eof() && peek() != '}' && name.size() < 64) append_utf8(name, s_[i_++]);
          if (eof() || peek() != '}') unsupported_regex(regex_, "unclosed \\p{");
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
          if (d < 0 || v > 0x10FFFF) unsupported_regex(regex_, "bad \\x escape");
          v = v * 16 + char32_t(d);
          ++digits;
        }
        if (brace) {
          if (eof()) unsupported_regex(regex_, "unclosed \\x{");
          ++i_;
        }
        if (digits == 0 || v > 0x10FFFF) unsupported_regex(regex_, "bad \\x escape");
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
  int depth_ = 0;
};

// ---- Program ------------------------------------------------------------------------------------

// Thompson NFA instructions. The main pattern is [0, main_end); each general lookahead body
// follows as its own region, ending with its own kMatch.
enum Op : uint8_t { kChar, kSplit, kJmp, kMatch, kBegin, kEnd, kLook };

struct Inst {
  Op op;
  bool negate;  // kLook: (?!...)
  uint32_t x;   // next instruction; kSplit: the preferred branch
  uint32_t y;   // kChar: class; kSplit: the other branch; kLook: lookahead
};

struct Look {
  int32_t cls = -1;             // >= 0: the body is this one character class
  uint32_t begin = 0, end = 0;  // otherwise: the body's region (it starts at `begin`)
};

struct Program {
  std::vector<Inst> insts;
  std::vector<CharClass> classes;
  std::vector<Look> looks;
  uint32_t main_end = 0;
  bool general_looks = false;
  // Epsilon predecessors of every instruction (CSR), for the backward liveness passes.
  std::vector<uint32_t> pred_begin, preds;
};

class Compiler {
 public:
  Compiler(const std::string& regex, Program& p) : regex_(regex), p_(p) {}

  void compile(const Node& root) {
    emit(root);
    add({kMatch, false, 0, 0});
    p_.main_end = size();
    // Bodies queue up as they are met (inner lookaheads after outer ones).
    for (size_t k = 0; k < pending_.size(); ++k) {
      const uint32_t id = pending_[k].second;  // by index: emit() can add lookaheads
      p_.looks[id].begin = size();
      emit(*pending_[k].first);
      add({kMatch, false, 0, 0});
      p_.looks[id].end = size();
    }
    size_t n = p_.insts.size();
    std::vector<uint32_t> count(n + 1, 0);
    auto each_edge = [&](auto&& f) {
      for (uint32_t pc = 0; pc < n; ++pc) {
        const Inst& in = p_.insts[pc];
        if (in.op == kChar || in.op == kMatch) continue;
        f(in.x, pc);
        if (in.op == kSplit) f(in.y, pc);
      }
    };
    each_edge([&](uint32_t to, uint32_t) { ++count[to + 1]; });
    for (size_t i = 0; i < n; ++i) count[i + 1] += count[i];
    p_.pred_begin = count;
    p_.preds.resize(count[n]);
    each_edge([&](uint32_t to, uint32_t from) { p_.preds[count[to]++] = from; });
  }

 private:
  uint32_t size() const { return uint32_t(p_.insts.size()); }
  uint32_t add(Inst in) {
    if (p_.insts.size() >= kMaxRegexProgram) {
      regex_limit(regex_, "compiles to more than " + std::to_string(kMaxRegexProgram) +
                              " instructions (the limit; counted repetitions expand)");
    }
    p_.insts.push_back(in);
    return size() - 1;
  }
  uint32_t class_of(const Node& n) {
    auto [it, added] = classes_.emplace(&n, uint32_t(p_.classes.size()));
    if (added) p_.classes.push_back(n.cls);
    return it->second;
  }
  uint32_t look_of(const Node& body) {
    auto found = looks_.find(&body);
    if (found != looks_.end()) return found->second;
    uint32_t id = uint32_t(p_.looks.size());
    Look look;
    if (body.kind == Node::kClass) {
      look.cls = int32_t(class_of(body));
    } else {
      if (++general_ > kMaxRegexLookaheads) {
        regex_limit(regex_, "has more than " + std::to_string(kMaxRegexLookaheads) +
                                " lookaheads that are not a single character class (the limit)");
      }
      p_.general_looks = true;
      pending_.emplace_back(&body, id);
    }
    p_.looks.push_back(look);
    looks_.emplace(&body, id);
    return id;
  }
  // Patches a split: `take` is its preferred branch when greedy.
  void set_split(uint32_t split, uint32_t take, uint32_t skip, bool greedy) {
    p_.insts[split].x = greedy ? take : skip;
    p_.insts[split].y = greedy ? skip : take;
  }

  void emit(const Node& n) {
    switch (n.kind) {
      case Node::kEmpty:
        return;
      case Node::kClass:
        add({kChar, false, size() + 1, class_of(n)});
        return;
      case Node::kSeq:
        for (const Node& c : n.children) emit(c);
        return;
      case Node::kAlt: {
        std::vector<uint32_t> jumps;
        for (size_t c = 0; c + 1 < n.children.size(); ++c) {
          uint32_t split = add({kSplit, false, 0, 0});
          emit(n.children[c]);
          jumps.push_back(add({kJmp, false, 0, 0}));
          set_split(split, split + 1, size(), true);
        }
        emit(n.children.back());
        for (uint32_t j : jumps) p_.insts[j].x = size();
        return;
      }
      case Node::kRepeat: {
        const Node& c = n.children[0];
        if (n.max < 0 && n.min == 0) {  // x*: L: split(body, out); body; jmp L
          uint32_t split = add({kSplit, false, 0, 0});
          emit(c);
          add({kJmp, false, split, 0});
          set_split(split, split + 1, size(), n.greedy);
        } else if (n.max < 0) {  // x{m,}: x^(m-1), then L: x; split(L, out)
          for (int i = 0; i + 1 < n.min; ++i) emit(c);
          uint32_t loop = size();
          emit(c);
          uint32_t split = add({kSplit, false, 0, 0});
          set_split(split, loop, split + 1, n.greedy);
        } else {  // x{m,n}: x^m, then n-m nested optional copies
          for (int i = 0; i < n.min; ++i) emit(c);
          std::vector<uint32_t> splits;
          for (int i = n.min; i < n.max; ++i) {
            splits.push_back(add({kSplit, false, 0, 0}));
            emit(c);
          }
          for (uint32_t s : splits) set_split(s, s + 1, size(), n.greedy);
        }
        return;
      }
      case Node::kLookahead:
      case Node::kNegLookahead: {
        uint32_t id = look_of(n.children[0]);
        add({kLook, n.kind == Node::kNegLookahead, size() + 1, id});
        return;
      }
      case Node::kBegin:
        add({kBegin, false, size() + 1, 0});
        return;
      case Node::kEnd:
        add({kEnd, false, size() + 1, 0});
        return;
    }
  }

  const std::string& regex_;
  Program& p_;
  std::unordered_map<const Node*, uint32_t> classes_, looks_;
  std::vector<std::pair<const Node*, uint32_t>> pending_;
  size_t general_ = 0;
};

// ---- Matching -----------------------------------------------------------------------------------

inline bool test_bit(const uint64_t* bits, size_t i) {
  return (bits[i >> 6] >> (i & 63)) & 1;
}
inline void set_bit(uint64_t* bits, size_t i) {
  bits[i >> 6] |= 1ull << (i & 63);
}

// One find_all over one text. A Pike VM: threads advance in lockstep, one text character at a
// time, in priority order (the order a backtracking engine would try them); a thread that reaches
// an instruction already taken at this position by a higher-priority one is dropped, so each step
// costs O(program). Leftmost-first: threads started earlier have priority; when one matches, the
// lower-priority ones stop and the search goes on while a higher-priority one is alive.
//
// A higher-priority thread can stay alive far beyond the match it will lose to (`a+b|a` on
// "aaaa..."), and every later search would rescan that stretch: quadratic. When the rescanned
// length exceeds a budget, the searcher computes which (instruction, position) states can still
// reach a match (one backward pass, kept as checkpoints every `block_` positions) and drops the
// others; then no search scans past the end of its match and the total stays linear.
class Searcher {
 public:
  Searcher(const Program& p, const char32_t* t, size_t n) : p_(p), t_(t), n_(n) {
    if (n >= UINT32_MAX) {
      throw Error(ErrorCode::kLimitExceeded, "regex: text of " + std::to_string(n) +
                                                 " characters exceeds the limit of " +
                                                 std::to_string(UINT32_MAX - 1));
    }
    for (List* l : {&clist_, &nlist_}) l->mark.assign(p_.main_end, 0);
    if (p_.general_looks) compute_lookaheads();
  }

  void find_all(std::vector<Match>& out) {
    size_t pos = 0, rescanned = 0;
    while (pos < n_) {
      Match m;
      size_t last;
      if (!search(pos, m, last)) break;
      if (m.end > m.begin) out.push_back(m);
      size_t next = m.end > m.begin ? m.end : m.begin + 1;
      if (!prune_ && last > next) {
        rescanned += last - next;
        if (rescanned > 2 * n_ + 4096) enable_pruning(next);
      }
      pos = next;
    }
  }

 private:
  struct List {
    std::vector<uint32_t> pcs, starts;
    std::vector<uint32_t> mark;  // mark[pc] == gen: pc already taken at this position
    uint32_t gen = 0;
    void clear() {
      pcs.clear();
      starts.clear();
      if (++gen == 0) {  // wrapped: forget every old mark
        std::fill(mark.begin(), mark.end(), 0);
        gen = 1;
      }
    }
  };

  bool look_holds(uint32_t id, size_t i) const {
    const Look& look = p_.looks[id];
    if (look.cls >= 0) return i < n_ && p_.classes[look.cls].matches(t_[i]);
    return test_bit(look_bits_[id].data(), i);
  }
  // Whether the epsilon instruction `in` can be passed at position i.
  bool passes(const Inst& in, size_t i) const {
    switch (in.op) {
      case kBegin:
        return i == 0;
      case kEnd:
        return i == n_;
      case kLook:
        return look_holds(in.y, i) != in.negate;
      default:
        return true;
    }
  }

  // live(i) over the region [begin, end): the instructions from which the region's kMatch can be
  // reached at position i, given live(i + 1) in `next` (nullptr past the end of the text).
  void live_step(uint32_t begin, uint32_t end, size_t i, const uint64_t* next, uint64_t* cur) {
    std::fill(cur, cur + (end - begin + 63) / 64, 0);
    work_.clear();
    for (uint32_t pc = begin; pc < end; ++pc) {
      const Inst& in = p_.insts[pc];
      bool live =
          in.op == kMatch || (in.op == kChar && next && i < n_ && test_bit(next, in.x - begin) &&
                              p_.classes[in.y].matches(t_[i]));
      if (live) {
        set_bit(cur, pc - begin);
        work_.push_back(pc);
      }
    }
    while (!work_.empty()) {
      uint32_t q = work_.back();
      work_.pop_back();
      for (uint32_t k = p_.pred_begin[q]; k < p_.pred_begin[q + 1]; ++k) {
        uint32_t pc = p_.preds[k];
        if (test_bit(cur, pc - begin) || !passes(p_.insts[pc], i)) continue;
        set_bit(cur, pc - begin);
        work_.push_back(pc);
      }
    }
  }

  // Whether each general lookahead matches at each position: one backward pass per lookahead,
  // inner ones (later in p_.looks) first, as the outer ones read them.
  void compute_lookaheads() {
    look_bits_.resize(p_.looks.size());
    for (size_t id = p_.looks.size(); id-- > 0;) {
      const Look& look = p_.looks[id];
      if (look.cls >= 0) continue;
      look_bits_[id].assign(n_ / 64 + 1, 0);
      size_t words = (look.end - look.begin + 63) / 64;
      std::vector<uint64_t> a(words), b(words);
      const uint64_t* next = nullptr;
      for (size_t i = n_ + 1; i-- > 0;) {
        live_step(look.begin, look.end, i, next, a.data());
        if (test_bit(a.data(), 0)) set_bit(look_bits_[id].data(), i);
        std::swap(a, b);
        next = b.data();
      }
    }
  }

  void enable_pruning(size_t from) {
    prune_ = true;
    from_ = from;
    words_ = (p_.main_end + 63) / 64;
    // Checkpoints every block_ positions and one block at a time: O(sqrt(n)) bitsets.
    block_ = std::max<size_t>(1024, size_t(std::sqrt(double(n_ - from) + 1)));
    size_t first = from / block_, last = n_ / block_;
    checkpoints_.assign((last - first + 1) * words_, 0);
    std::vector<uint64_t> a(words_), b(words_);
    const uint64_t* next = nullptr;
    for (size_t i = n_ + 1; i-- > from;) {
      live_step(0, p_.main_end, i, next, a.data());
      if (i % block_ == 0) {
        std::copy(a.begin(), a.end(), checkpoints_.begin() + (i / block_ - first) * words_);
      }
      std::swap(a, b);
      next = b.data();
    }
    block_bits_.assign(block_ * words_, 0);
    current_block_ = SIZE_MAX;
  }

  const uint64_t* live_at(size_t i) {
    size_t k = i / block_;
    if (k != current_block_) {
      size_t lo = std::max(k * block_, from_), hi = std::min((k + 1) * block_, n_ + 1);
      const uint64_t* next =
          hi == n_ + 1 ? nullptr : &checkpoints_[(k + 1 - from_ / block_) * words_];
      for (size_t j = hi; j-- > lo;) {
        uint64_t* cur = &block_bits_[(j - k * block_) * words_];
        live_step(0, p_.main_end, j, next, cur);
        next = cur;
      }
      current_block_ = k;
    }
    return &block_bits_[(i - current_block_ * block_) * words_];
  }

  // Adds the thread (pc, start) at position i, following epsilon instructions depth-first in
  // priority order.
  void add(List& list, uint32_t pc0, size_t i, uint32_t start) {
    const uint64_t* live = prune_ ? live_at(i) : nullptr;
    stack_.push_back(pc0);
    while (!stack_.empty()) {
      uint32_t pc = stack_.back();
      stack_.pop_back();
      if (list.mark[pc] == list.gen) continue;
      list.mark[pc] = list.gen;
      if (live && !test_bit(live, pc)) continue;  // cannot reach the match
      const Inst& in = p_.insts[pc];
      switch (in.op) {
        case kChar:
        case kMatch:
          list.pcs.push_back(pc);
          list.starts.push_back(start);
          break;
        case kJmp:
          stack_.push_back(in.x);
          break;
        case kSplit:
          stack_.push_back(in.y);
          stack_.push_back(in.x);
          break;
        default:
          if (passes(in, i)) stack_.push_back(in.x);
          break;
      }
    }
  }

  // The leftmost-first match starting at or after `pos`; `last`: the last position looked at.
  bool search(size_t pos, Match& m, size_t& last) {
    clist_.clear();
    bool matched = false;
    for (size_t i = pos;; ++i) {
      if (!matched && i < n_) add(clist_, 0, i, uint32_t(i));
      if (clist_.pcs.empty()) {
        if (matched || i >= n_) {
          last = i;
          return matched;
        }
        clist_.clear();
        continue;
      }
      nlist_.clear();
      for (size_t k = 0; k < clist_.pcs.size(); ++k) {
        const Inst& in = p_.insts[clist_.pcs[k]];
        if (in.op == kMatch) {
          m = {clist_.starts[k], i};
          matched = true;
          break;  // lower-priority threads lose to this match
        }
        if (i < n_ && p_.classes[in.y].matches(t_[i])) add(nlist_, in.x, i + 1, clist_.starts[k]);
      }
      std::swap(clist_, nlist_);
      if (i >= n_) {
        last = i;
        return matched;
      }
    }
  }

  const Program& p_;
  const char32_t* t_;
  size_t n_;
  List clist_, nlist_;
  std::vector<uint32_t> stack_, work_;
  std::vector<std::vector<uint64_t>> look_bits_;
  bool prune_ = false;
  size_t from_ = 0, words_ = 0, block_ = 1, current_block_ = SIZE_MAX;
  std::vector<uint64_t> checkpoints_, block_bits_;
};

// Instructions left to the regexes of the current RegexBudgetScope (SIZE_MAX: no scope).
thread_local size_t regex_budget = SIZE_MAX;

class RegexPattern : public Pattern {
 public:
  explicit RegexPattern(const std::string& regex) {
    Node root = Parser(regex).parse();
    Compiler(regex, program_).compile(root);
    if (regex_budget != SIZE_MAX) {
      if (program_.insts.size() > regex_budget) {
        regex_limit(regex, "takes the regexes of this tokenizer.json beyond " +
                               std::to_string(kMaxRegexProgramTotal) +
                               " compiled instructions together (the limit)");
      }
      regex_budget -= program_.insts.size();
    }
  }
  void find_all(const char32_t* text, size_t n, std::vector<Match>& out) const override {
    if (n == 0) return;
    Searcher(program_, text, n).find_all(out);
  }

 private:
  Program program_;
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

// Non-overlapping occurrences, left to right, in O(n + m) (Knuth-Morris-Pratt): a long literal
// from a tokenizer.json cannot make the scan quadratic.
class LiteralPattern : public Pattern {
 public:
  explicit LiteralPattern(std::u32string literal) : literal_(std::move(literal)) {
    size_t m = literal_.size();
    fail_.assign(m + 1, 0);
    for (size_t i = 1, k = 0; i < m; ++i) {
      while (k > 0 && literal_[i] != literal_[k]) k = fail_[k];
      if (literal_[i] == literal_[k]) ++k;
      fail_[i + 1] = k;
    }
  }
  void find_all(const char32_t* text, size_t n, std::vector<Match>& out) const override {
    size_t m = literal_.size();
    if (m == 0 || m > n) return;
    for (size_t i = 0, k = 0; i < n; ++i) {
      while (k > 0 && text[i] != literal_[k]) k = fail_[k];
      if (text[i] == literal_[k]) ++k;
      if (k == m) {
        out.push_back({i + 1 - m, i + 1});
        k = 0;  // the next occurrence starts after this one
      }
    }
  }

 private:
  std::u32string literal_;
  std::vector<size_t> fail_;  // fail_[k]: longest proper border of literal_[0, k)
};

}  // namespace

RegexBudgetScope::RegexBudgetScope() : saved_(regex_budget) {
  regex_budget = kMaxRegexProgramTotal;
}

RegexBudgetScope::~RegexBudgetScope() {
  regex_budget = saved_;
}

std::unique_ptr<Pattern> compile_regex(const std::string& regex) {
  if (regex.size() > kMaxRegexBytes) {
    throw Error(ErrorCode::kLimitExceeded,
                "tokenizer.json: regex pattern of " + std::to_string(regex.size()) +
                    " bytes exceeds the limit of " + std::to_string(kMaxRegexBytes) + " bytes");
  }
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
