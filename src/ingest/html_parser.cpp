// HTML to readable text, tolerant like a browser: unclosed <p>, <li>, <td> and headings end where
// the next block starts, stray end tags are ignored, and an element left open ends with its parent.
// Boilerplate (script, style, nav, page header and footer, aside, forms' widgets, ...) is dropped;
// <pre> becomes a code block; h1-h6 become the section path; <title> becomes the title.
// Whitespace is collapsed as a browser renders it; entities are decoded. Every byte of the
// readable text maps back to the source (ParsedDocument's offset runs).
// Linear time: open elements are counted by name and each keeps the index of the nearest block
// below it, so no tag walks the stack of open elements (only what it closes). Elements nested
// deeper than kMaxHtmlDepth open nothing: their content belongs to the deepest open element.
#include <algorithm>
#include <cstring>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "ingest/parsed_document.h"
#include "text/utf8.h"

namespace osprey {
namespace {

bool is_html_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}
bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_alnum(char c) {
  return is_alpha(c) || (c >= '0' && c <= '9');
}
char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? char(c + 32) : c;
}

bool one_of(const std::string& name, std::initializer_list<const char*> names) {
  for (const char* n : names) {
    if (name == n) return true;
  }
  return false;
}

bool is_void(const std::string& n) {
  return one_of(n, {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                    "param", "source", "track", "wbr", "keygen"});
}
// Content skipped up to the matching end tag, unparsed.
bool is_raw_text(const std::string& n) {
  return one_of(n, {"script", "style", "title", "textarea", "xmp", "iframe", "noembed", "noframes",
                    "noscript", "plaintext"});
}
// Boilerplate: not part of the document's text.
bool is_dropped(const std::string& n) {
  return one_of(n, {"head", "nav", "aside", "template", "svg", "math", "button", "select",
                    "datalist", "canvas", "object", "audio", "video", "map", "menu", "dialog"});
}
bool is_block(const std::string& n) {
  return one_of(n,
                {"p",       "div",     "ul",         "ol",      "li",       "dl",     "dt",
                 "dd",      "pre",     "blockquote", "table",   "thead",    "tbody",  "tfoot",
                 "tr",      "caption", "section",    "article", "main",     "figure", "figcaption",
                 "address", "details", "summary",    "hr",      "fieldset", "legend", "form",
                 "header",  "footer",  "nav",        "aside",   "body",     "html",   "center",
                 "h1",      "h2",      "h3",         "h4",      "h5",       "h6"});
}
// Where browsers stop looking for an element that a new block implicitly ends.
bool is_scope(const std::string& n) {
  return is_block(n) || one_of(n, {"td", "th", "tr", "table"});
}
int heading_level(const std::string& n) {
  return n.size() == 2 && n[0] == 'h' && n[1] >= '1' && n[1] <= '6' ? n[1] - '0' : 0;
}

struct NamedEntity {
  const char* name;
  char32_t cp;
};
constexpr NamedEntity kEntities[] = {
    {"amp", '&'},      {"lt", '<'},       {"gt", '>'},       {"quot", '"'},      {"apos", '\''},
    {"nbsp", 0xA0},    {"ndash", 0x2013}, {"mdash", 0x2014}, {"hellip", 0x2026}, {"lsquo", 0x2018},
    {"rsquo", 0x2019}, {"ldquo", 0x201C}, {"rdquo", 0x201D}, {"laquo", 0xAB},    {"raquo", 0xBB},
    {"copy", 0xA9},    {"reg", 0xAE},     {"trade", 0x2122}, {"middot", 0xB7},   {"bull", 0x2022},
    {"shy", 0xAD},     {"eacute", 0xE9},  {"egrave", 0xE8},  {"agrave", 0xE0},   {"aacute", 0xE1},
    {"uuml", 0xFC},    {"ouml", 0xF6},    {"auml", 0xE4},    {"szlig", 0xDF},    {"ccedil", 0xE7},
    {"times", 0xD7},   {"deg", 0xB0},     {"euro", 0x20AC},  {"pound", 0xA3},    {"sect", 0xA7},
    {"para", 0xB6},    {"zwj", 0x200D},   {"zwnj", 0x200C},  {"thinsp", 0x2009}, {"ensp", 0x2002},
    {"emsp", 0x2003},  {"larr", 0x2190},  {"rarr", 0x2192},  {"iexcl", 0xA1},    {"iquest", 0xBF},
    {"frac12", 0xBD},  {"plusmn", 0xB1},  {"micro", 0xB5},
};

class HtmlParser {
 public:
  explicit HtmlParser(std::string_view source) : src_(source), doc_(source) { doc_.set_derived(); }

  ParsedDocument run() {
    size_t pos = 0;
    while (pos < src_.size()) {
      size_t lt = src_.find('<', pos);
      if (lt == std::string_view::npos) lt = src_.size();
      text(pos, lt);
      if (lt >= src_.size()) break;
      pos = tag(lt);
    }
    finish_heading();
    end_block();
    return std::move(doc_);
  }

 private:
  static constexpr uint32_t kNoScope = ~uint32_t(0);
  struct Open {
    std::string name;
    bool dropped;
    uint32_t scope;  // index of the nearest scope element (is_scope) at or below this one
  };

  // --- text -----------------------------------------------------------------------------------
  bool hidden() const { return dropped_depth_ > 0; }

  void text(size_t begin, size_t end) {
    size_t pos = begin;
    while (pos < end) {
      const char c = src_[pos];
      if (is_html_space(c) && pre_depth_ == 0) {
        size_t ws_end = pos;
        while (ws_end < end && is_html_space(src_[ws_end])) ++ws_end;
        whitespace(uint32_t(pos), uint32_t(ws_end - pos), " ");
        pos = ws_end;
      } else if (c == '&') {
        std::string decoded;
        size_t length = entity(pos, end, decoded);
        if (length == 0) {
          emit(uint32_t(pos), src_.substr(pos, 1), true);
          ++pos;
        } else {
          emit(uint32_t(pos), decoded, false, uint32_t(length));
          pos += length;
        }
      } else {
        size_t run_end = pos + 1;
        while (run_end < end && src_[run_end] != '&' &&
               (pre_depth_ > 0 || !is_html_space(src_[run_end]))) {
          ++run_end;
        }
        emit(uint32_t(pos), src_.substr(pos, run_end - pos), true);
        pos = run_end;
      }
    }
  }

  // Whitespace is written lazily: only between two pieces of text of the same block.
  void whitespace(uint32_t source_offset, uint32_t source_length, const char* as) {
    if (hidden()) return;
    if (heading_ > 0) {
      if (!heading_text_.empty()) heading_space_ = true;
      return;
    }
    if (!pending_space_ || std::strcmp(as, "\n") == 0) {
      pending_space_ = true;
      space_offset_ = source_offset;
      space_length_ = source_length;
      space_text_ = as;
    }
  }

  void emit(uint32_t source_offset, std::string_view bytes, bool verbatim,
            uint32_t source_length = 0) {
    if (hidden()) return;
    if (heading_ > 0) {
      if (heading_space_) append_bounded(heading_text_, " ", kMaxHeadingBytes);
      heading_space_ = false;
      append_bounded(heading_text_, bytes, kMaxHeadingBytes);
      return;
    }
    if (!block_open_) {
      if (!doc_.derived_text().empty()) doc_.append_decoded(source_offset, 0, "\n\n");
      block_open_ = true;
      block_start_ = uint32_t(doc_.derived_text().size());
      block_kind_ = pre_depth_ > 0 ? BlockKind::kCode : BlockKind::kParagraph;
      pending_space_ = false;
    } else if (pending_space_) {
      if (space_length_ == 1 && src_[space_offset_] == ' ' && std::strcmp(space_text_, " ") == 0) {
        doc_.append_verbatim(space_offset_, " ");
      } else {
        doc_.append_decoded(space_offset_, space_length_, space_text_);
      }
    }
    pending_space_ = false;
    if (verbatim) {
      doc_.append_verbatim(source_offset, bytes);
    } else {
      doc_.append_decoded(source_offset, source_length, bytes);
    }
  }

  void end_block() {
    if (block_open_) {
      doc_.blocks.push_back(
          {section_, block_kind_, block_start_, uint32_t(doc_.derived_text().size())});
    }
    block_open_ = false;
    pending_space_ = false;
  }

  // Decodes "&name;" / "&#123;" / "&#x1F;" at `pos`; returns its source length, 0 if not one.
  size_t entity(size_t pos, size_t end, std::string& out) const {
    size_t i = pos + 1;
    if (i < end && src_[i] == '#') {
      ++i;
      const bool hex = i < end && (src_[i] == 'x' || src_[i] == 'X');
      if (hex) ++i;
      uint64_t value = 0;
      size_t digits = 0;
      while (i < end && digits < 8) {
        char c = lower(src_[i]);
        int d = (c >= '0' && c <= '9')          ? c - '0'
                : (hex && c >= 'a' && c <= 'f') ? c - 'a' + 10
                                                : -1;
        if (d < 0) break;
        value = value * (hex ? 16 : 10) + uint64_t(d);
        ++i, ++digits;
      }
      if (digits == 0) return 0;
      if (i < end && src_[i] == ';') ++i;
      char32_t cp = char32_t(value);
      if (value == 0 || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) cp = 0xFFFD;
      append_utf8(out, cp);
      return i - pos;
    }
    size_t name_end = i;
    while (name_end < end && name_end - i < 10 && is_alnum(src_[name_end])) ++name_end;
    if (name_end == i || name_end >= end || src_[name_end] != ';') return 0;
    const std::string_view name = src_.substr(i, name_end - i);
    for (const auto& e : kEntities) {
      if (name == e.name) {
        append_utf8(out, e.cp);
        return name_end + 1 - pos;
      }
    }
    return 0;
  }

  // --- tags -----------------------------------------------------------------------------------
  // Handles the markup starting at `lt` ('<') and returns where text resumes.
  size_t tag(size_t lt) {
    const size_t n = src_.size();
    if (lt + 1 >= n) {
      emit(uint32_t(lt), src_.substr(lt, 1), true);
      return n;
    }
    const char next = src_[lt + 1];
    if (src_.substr(lt, 4) == "<!--") {
      size_t close = src_.find("-->", lt + 4);
      return close == std::string_view::npos ? n : close + 3;
    }
    if (next == '!' || next == '?') {
      size_t close = src_.find('>', lt);
      return close == std::string_view::npos ? n : close + 1;
    }
    const bool closing = next == '/';
    size_t i = lt + (closing ? 2 : 1);
    if (i >= n || !is_alpha(src_[i])) {  // "a < b", "</ >": text
      emit(uint32_t(lt), src_.substr(lt, 1), true);
      return lt + 1;
    }
    std::string name;
    while (i < n && (is_alnum(src_[i]) || src_[i] == '-' || src_[i] == ':'))
      name += lower(src_[i++]);
    // Attributes: skip to the '>' that is not inside quotes.
    char quote = 0;
    while (i < n) {
      char c = src_[i];
      if (quote) {
        if (c == quote) quote = 0;
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '>') {
        break;
      }
      ++i;
    }
    const size_t after = i < n ? i + 1 : n;
    if (closing) {
      end_tag(name, uint32_t(lt));
      return after;
    }
    const bool opened = start_tag(name, uint32_t(lt), uint32_t(after - lt));
    if (is_raw_text(name)) return raw_text(name, after, opened);
    return after;
  }

  // `opened`: whether the element is on the stack (not when nested too deeply).
  size_t raw_text(const std::string& name, size_t content_start, bool opened) {
    // Find "</name" case-insensitively.
    size_t pos = content_start, close = src_.size();
    while ((pos = src_.find("</", pos)) != std::string_view::npos) {
      size_t j = 0;
      while (j < name.size() && pos + 2 + j < src_.size() && lower(src_[pos + 2 + j]) == name[j])
        ++j;
      if (j == name.size()) {
        close = pos;
        break;
      }
      pos += 2;
    }
    if (name == "title" && doc_.title.empty()) {
      std::string title;
      bool space = false;
      // Only as much as the title keeps (a few bytes more, then cut at a character boundary).
      for (size_t k = content_start; k < close && title.size() <= kMaxTitleBytes + 8; ++k) {
        if (is_html_space(src_[k])) {
          space = !title.empty();
          continue;
        }
        if (space) title += ' ';
        space = false;
        std::string decoded;
        size_t len = src_[k] == '&' ? entity(k, close, decoded) : 0;
        if (len) {
          title += decoded;
          k += len - 1;
        } else {
          title += src_[k];
        }
      }
      append_bounded(doc_.title, title, kMaxTitleBytes);
    }
    if (opened) pop_to(name);
    if (close >= src_.size()) return src_.size();
    size_t gt = src_.find('>', close);
    return gt == std::string_view::npos ? src_.size() : gt + 1;
  }

  // Returns whether the element was opened (pushed on the stack of open elements).
  bool start_tag(const std::string& name, uint32_t offset, uint32_t length) {
    if (name == "br") {
      whitespace(offset, length, "\n");
      return false;
    }
    if (is_block(name) || heading_level(name) || name == "td" || name == "th") {
      finish_heading();
      if (name != "td" && name != "th")
        end_block();
      else
        whitespace(offset, length, " ");
      if (name != "head" && !one_of(name, {"html"})) pop_if_open("head");
      close_implied(name);
    }
    if (name == "body") pop_if_open("head");
    if (is_void(name)) return false;
    if (stack_.size() >= kMaxHtmlDepth) return false;  // flattened into the deepest element
    const bool dropped = is_dropped(name) || is_raw_text(name) ||
                         ((name == "header" || name == "footer") && !inside_content());
    const uint32_t below = stack_.empty() ? kNoScope : stack_.back().scope;
    stack_.push_back({name, dropped, is_scope(name) ? uint32_t(stack_.size()) : below});
    ++open_count_[name];
    if (dropped) ++dropped_depth_;
    if (name == "pre" || name == "listing") ++pre_depth_;
    if (int level = heading_level(name); level && !hidden()) {
      heading_ = level;
      heading_text_.clear();
      heading_space_ = false;
    }
    return true;
  }

  void end_tag(const std::string& name, uint32_t offset) {
    if (name == "br") {
      whitespace(offset, 0, "\n");
      return;
    }
    if (heading_level(name)) finish_heading();
    if (is_block(name)) end_block();
    if (name == "td" || name == "th") whitespace(offset, 0, " ");
    pop_to(name);
  }

  // A header or footer inside an article or main is the article's own (its title), not the page's.
  bool inside_content() const {
    return is_open("article") || is_open("main") || is_open("section");
  }

  bool is_open(const std::string& name) const {
    auto it = open_count_.find(name);
    return it != open_count_.end() && it->second > 0;
  }

  // Browsers end an open <p> when a block starts, an <li> at the next <li>, and so on.
  void close_implied(const std::string& name) {
    auto closes = [&](const std::string& open) {
      if (open == "p") return is_block(name);
      if (open == "li") return name == "li";
      if (open == "dt" || open == "dd") return name == "dt" || name == "dd";
      if (open == "tr") return name == "tr";
      if (open == "td" || open == "th") return name == "td" || name == "th" || name == "tr";
      if (heading_level(open)) return is_block(name) || heading_level(name) > 0;
      return false;
    };
    // Inline elements are transparent; the nearest scope element is the only candidate (every
    // element that `closes` is one), and one we do not reach through.
    if (stack_.empty() || stack_.back().scope == kNoScope) return;
    const uint32_t scope = stack_.back().scope;
    if (closes(stack_[scope].name)) pop_to_index(scope);
  }

  void pop_if_open(const char* name) { pop_to(name); }
  // Closes the innermost open `name` and everything inside it: the walk down the stack stops at
  // it, so it costs what it pops.
  void pop_to(const std::string& name) {
    if (!is_open(name)) return;
    for (size_t i = stack_.size(); i-- > 0;) {
      if (stack_[i].name == name) {
        pop_to_index(i);
        return;
      }
    }
  }
  void pop_to_index(size_t index) {
    while (stack_.size() > index) {
      const Open& open = stack_.back();
      if (open.dropped) --dropped_depth_;
      if (open.name == "pre" || open.name == "listing") {
        end_block();
        --pre_depth_;
      }
      if (heading_level(open.name)) finish_heading();
      --open_count_[open.name];
      stack_.pop_back();
    }
  }

  void finish_heading() {
    if (heading_ == 0) return;
    const int level = heading_;
    heading_ = 0;
    if (heading_text_.empty()) return;
    end_block();
    if (heading_text_.back() == ' ') heading_text_.pop_back();  // cut after a space
    section_ = doc_.add_section(open_sections_, level, std::move(heading_text_));
    heading_text_.clear();
  }

  std::string_view src_;
  ParsedDocument doc_;
  std::vector<Open> stack_;
  std::unordered_map<std::string, uint32_t> open_count_;  // by name, of the elements in stack_
  int dropped_depth_ = 0;
  int pre_depth_ = 0;

  bool block_open_ = false;
  uint32_t block_start_ = 0;
  BlockKind block_kind_ = BlockKind::kParagraph;
  bool pending_space_ = false;
  uint32_t space_offset_ = 0, space_length_ = 0;
  const char* space_text_ = " ";

  int heading_ = 0;
  std::string heading_text_;
  bool heading_space_ = false;
  std::vector<uint32_t> open_sections_;
  uint32_t section_ = 0;
};

}  // namespace

ParsedDocument parse_html(std::string_view source) {
  return HtmlParser(source).run();
}

}  // namespace osprey
