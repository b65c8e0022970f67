// Plain text and Markdown structure. Both keep the source as the readable text (offsets are the
// source's own), so this only finds blocks and headings.
//   Plain text: paragraphs are separated by blank lines.
//   Markdown (CommonMark subset): ATX (#) and setext (===, ---) headings become the section path;
//   fenced code blocks (``` and ~~~) are kept as one block; list items start a paragraph; tables
//   (lines starting with '|') are line blocks; thematic breaks end a paragraph; a YAML front
//   matter block at the very top is skipped.
#include <string>
#include <vector>

#include "ingest/parsed_document.h"

namespace osprey {
namespace {

struct Line {
  uint32_t start, end;  // end excludes "\n" and a trailing "\r"
  uint32_t next;        // start of the next line
};

Line line_at(std::string_view s, uint32_t start) {
  size_t nl = s.find('\n', start);
  uint32_t end = nl == std::string_view::npos ? uint32_t(s.size()) : uint32_t(nl);
  uint32_t next = nl == std::string_view::npos ? end : end + 1;
  if (end > start && s[end - 1] == '\r') --end;
  return {start, end, next};
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\f' || c == '\v' || c == '\r';
}

bool is_blank(std::string_view line) {
  for (char c : line) {
    if (!is_space(c)) return false;
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

class MarkdownBuilder {
 public:
  explicit MarkdownBuilder(std::string_view source) : doc_(source) {}

  void open(uint32_t start, uint32_t end, BlockKind kind) {
    flush();
    open_ = true;
    block_ = {section_, kind, start, end};
  }
  void extend(uint32_t end) { block_.end = end; }
  void flush() {
    if (open_) doc_.blocks.push_back(block_);
    open_ = false;
  }
  bool is_open() const { return open_; }
  const Block& block() const { return block_; }
  void discard() { open_ = false; }

  void heading(int level, std::string_view title) {
    flush();
    std::string bounded;
    append_bounded(bounded, title, kMaxHeadingBytes);
    while (!bounded.empty() && is_space(bounded.back())) bounded.pop_back();  // where it was cut
    section_ = doc_.add_section(open_sections_, level, std::move(bounded));
  }

  ParsedDocument take() {
    flush();
    return std::move(doc_);
  }

 private:
  ParsedDocument doc_;
  bool open_ = false;
  Block block_{};
  uint32_t section_ = 0;
  std::vector<uint32_t> open_sections_;
};

// Leading indentation in columns (a tab counts 4) and the rest of the line.
size_t indentation(std::string_view line, std::string_view& rest) {
  size_t columns = 0, i = 0;
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) {
    columns += line[i] == '\t' ? 4 : 1;
    ++i;
  }
  rest = line.substr(i);
  return columns;
}

// "```" / "~~~" fences: returns the fence length (>= 3) or 0.
size_t fence_length(std::string_view t, char& fence_char) {
  if (t.empty() || (t[0] != '`' && t[0] != '~')) return 0;
  size_t n = 0;
  while (n < t.size() && t[n] == t[0]) ++n;
  if (n < 3) return 0;
  if (t[0] == '`' && t.substr(n).find('`') != std::string_view::npos) return 0;
  fence_char = t[0];
  return n;
}

bool is_list_item(std::string_view t) {
  if (t.size() >= 2 && (t[0] == '-' || t[0] == '*' || t[0] == '+') &&
      (t[1] == ' ' || t[1] == '\t')) {
    return true;
  }
  size_t digits = 0;
  while (digits < t.size() && digits < 10 && t[digits] >= '0' && t[digits] <= '9') ++digits;
  return digits > 0 && digits < 10 && digits + 1 < t.size() &&
         (t[digits] == '.' || t[digits] == ')') && (t[digits + 1] == ' ' || t[digits + 1] == '\t');
}

bool is_thematic_break(std::string_view t) {
  char mark = 0;
  size_t count = 0;
  for (char c : t) {
    if (is_space(c)) continue;
    if (c != '*' && c != '-' && c != '_') return false;
    if (mark && c != mark) return false;
    mark = c;
    ++count;
  }
  return count >= 3;
}

// "===" or "---" alone on a line (setext heading underline): returns 1, 2 or 0.
int setext_level(std::string_view t) {
  t = trim(t);
  if (t.empty() || (t[0] != '=' && t[0] != '-')) return 0;
  for (char c : t) {
    if (c != t[0]) return 0;
  }
  return t[0] == '=' ? 1 : 2;
}

// "# Title ##" -> level 1, "Title"; 0 when not an ATX heading.
int atx_heading(std::string_view t, std::string_view& title) {
  int level = 0;
  while (size_t(level) < t.size() && t[level] == '#') ++level;
  if (level == 0 || level > 6) return 0;
  if (size_t(level) < t.size() && !is_space(t[level])) return 0;
  std::string_view rest = trim(t.substr(level));
  size_t closing = rest.size();
  while (closing > 0 && rest[closing - 1] == '#') --closing;
  if (closing == 0) {
    rest = {};
  } else if (closing < rest.size() && is_space(rest[closing - 1])) {
    rest = trim(rest.substr(0, closing));
  }
  title = rest;
  return level;
}

uint32_t skip_front_matter(std::string_view s) {
  Line first = line_at(s, 0);
  if (s.substr(first.start, first.end - first.start) != "---") return 0;
  for (uint32_t pos = first.next; pos < s.size();) {
    Line line = line_at(s, pos);
    std::string_view text = s.substr(line.start, line.end - line.start);
    if (text == "---" || text == "...") return line.next;
    if (line.next == pos) break;
    pos = line.next;
  }
  return 0;  // no closing line: not front matter
}

}  // namespace

ParsedDocument parse_plain_text(std::string_view source) {
  ParsedDocument doc(source);
  bool open = false;
  Block block{0, BlockKind::kParagraph, 0, 0};
  for (uint32_t pos = 0; pos < source.size();) {
    Line line = line_at(source, pos);
    if (is_blank(source.substr(line.start, line.end - line.start))) {
      if (open) doc.blocks.push_back(block);
      open = false;
    } else {
      if (!open) block.start = line.start;
      open = true;
      block.end = line.end;
    }
    pos = line.next;
  }
  if (open) doc.blocks.push_back(block);
  return doc;
}

ParsedDocument parse_markdown(std::string_view source) {
  MarkdownBuilder md(source);
  bool in_fence = false;
  char fence_char = 0;
  size_t fence_len = 0;
  bool open_is_list_item = false;
  for (uint32_t pos = skip_front_matter(source); pos < source.size();) {
    const Line line = line_at(source, pos);
    pos = line.next;
    const std::string_view text = source.substr(line.start, line.end - line.start);
    std::string_view t;
    const size_t indent = indentation(text, t);

    if (in_fence) {
      char c = 0;
      const size_t n = indent < 4 ? fence_length(t, c) : 0;
      md.extend(line.end);
      if (n >= fence_len && c == fence_char && is_blank(t.substr(n))) {
        md.flush();
        in_fence = false;
      }
      continue;
    }
    if (is_blank(text)) {
      md.flush();
      continue;
    }
    if (indent < 4) {
      std::string_view title;
      if (int level = atx_heading(t, title)) {
        md.heading(level, title);
        continue;
      }
      if (size_t n = fence_length(t, fence_char)) {
        md.open(line.start, line.end, BlockKind::kCode);
        in_fence = true;
        fence_len = n;
        continue;
      }
      if (md.is_open() && md.block().kind == BlockKind::kParagraph && !open_is_list_item) {
        if (int level = setext_level(t)) {
          const Block& b = md.block();
          std::string heading;
          // A multi-line title becomes one line (only as much of it as a heading keeps).
          for (uint32_t p = b.start; p < b.end && heading.size() < kMaxHeadingBytes;) {
            Line l = line_at(source, p);
            if (!heading.empty()) heading += ' ';
            append_bounded(heading, trim(source.substr(l.start, l.end - l.start)),
                           kMaxHeadingBytes);
            if (l.next == p) break;
            p = l.next;
          }
          md.discard();
          md.heading(level, heading);
          continue;
        }
      }
      if (is_thematic_break(t)) {
        md.flush();
        continue;
      }
      if (t[0] == '|') {
        if (!md.is_open() || md.block().kind != BlockKind::kLines)
          md.open(line.start, line.end, BlockKind::kLines);
        md.extend(line.end);
        continue;
      }
      if (is_list_item(t)) {
        md.open(line.start, line.end, BlockKind::kParagraph);
        open_is_list_item = true;
        continue;
      }
    }
    if (md.is_open() && md.block().kind == BlockKind::kLines) md.flush();
    if (!md.is_open()) {
      md.open(line.start, line.end, BlockKind::kParagraph);
      open_is_list_item = false;
    }
    md.extend(line.end);
  }
  return md.take();
}

}  // namespace osprey
