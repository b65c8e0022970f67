// A source document reduced to what chunking needs: its readable text, cut into blocks
// (paragraphs, code blocks, table rows) that each belong to a section (the path of headings above
// them), and a map from that text back to byte offsets of the exact source.
#pragma once

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

  std::vector<std::vector<std::string>> sections{{}};  // sections[0]: before any heading
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
