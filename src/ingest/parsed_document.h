// A source document reduced to what chunking needs: its readable text, cut into blocks
// (paragraphs, code blocks, table rows) that each belong to a section (the path of headings above
// them), and a map from that text back to byte offsets of the exact source.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace osprey {

enum class DocumentFormat : uint8_t { kText = 0, kMarkdown = 1, kHtml = 2 };
DocumentFormat parse_document_format(const std::string& name);  // "text" | "markdown" | "html"
const char* document_format_name(DocumentFormat format);

enum class BlockKind : uint8_t {
  kParagraph,  // prose: split at sentence boundaries
  kCode,       // kept whole whenever it fits in a passage; otherwise split at line ends
  kLines,      // table rows, line-oriented text: split at line ends
};

// A section: the text under one heading. Its path (the headings above it, outermost first, then
// its own) is found through `parent`, so that each heading is stored once however many sections
// it encloses (a document's memory stays linear in its size).
struct Section {
  std::string heading;  // at most kMaxHeadingBytes; empty for sections[0] (before any heading)
  uint32_t parent = 0;  // the enclosing section; 0 for a top-level section (and for sections[0])
  uint8_t level = 0;    // 1-6 (h1-h6, # to ######); 0 for sections[0]
};

// Parsers cut longer headings and titles (at a character boundary): they are repeated in every
// passage of their sections, so their size must not grow with the document's.
constexpr size_t kMaxHeadingBytes = 512;
constexpr size_t kMaxTitleBytes = 1024;
// HTML elements nested deeper than this open no element (their content belongs to the deepest
// open one), as browsers bound their trees (Blink: 512).
constexpr size_t kMaxHtmlDepth = 512;

// Appends `bytes` to `out` while `out` stays within `max_bytes`, cutting at a character boundary
// (`bytes` is valid UTF-8).
void append_bounded(std::string& out, std::string_view bytes, size_t max_bytes);

struct Block {
  uint32_t section;  // index into ParsedDocument::sections
  BlockKind kind;
  uint32_t start, end;  // byte offsets into ParsedDocument::text()
};

// A piece of the readable text that came from a piece of the source: verbatim copies map byte
// for byte; a decoded entity or collapsed whitespace maps as a whole.
struct OffsetRun {
  uint32_t text_start, text_length;
  uint32_t source_start, source_length;
  bool verbatim;
};

class ParsedDocument {
 public:
  // Text formats: the readable text is the source itself.
  explicit ParsedDocument(std::string_view source) : source_(source) {}

  std::string_view source() const { return source_; }
  std::string_view text() const { return derived_ ? std::string_view(text_) : source_; }

  // Byte offset in the source of the readable text's byte `offset` (a start) or of the end of the
  // character that ends before `offset` (an end).
  uint32_t source_start(uint32_t offset) const;
  uint32_t source_end(uint32_t offset) const;

  std::vector<Section> sections{Section{}};  // sections[0]: before any heading
  // The headings of `section`'s path, outermost first (none for sections[0]).
  std::vector<std::string> section_path(uint32_t section) const;
  // A new section under `heading` at `level`, below the innermost open section of a lower
  // level; returns its index. `open` is the parser's stack of open sections (starts empty).
  uint32_t add_section(std::vector<uint32_t>& open, int level, std::string heading);
  std::vector<Block> blocks;
  std::string title;  // from the source itself (HTML <title>); may be empty

  // For formats whose readable text differs from the source (HTML): building the text.
  void append_verbatim(uint32_t source_offset, std::string_view bytes);
  void append_decoded(uint32_t source_offset, uint32_t source_length, std::string_view bytes);
  std::string& derived_text() { return text_; }
  bool derived() const { return derived_; }
  void set_derived() { derived_ = true; }

 private:
  const OffsetRun* run_at(uint32_t offset) const;

  std::string_view source_;
  bool derived_ = false;
  std::string text_;
  std::vector<OffsetRun> runs_;
};

ParsedDocument parse_plain_text(std::string_view source);
ParsedDocument parse_markdown(std::string_view source);
ParsedDocument parse_html(std::string_view source);
ParsedDocument parse_document(DocumentFormat format, std::string_view source);

}  // namespace osprey
