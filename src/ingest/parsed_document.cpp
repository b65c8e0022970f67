#include "ingest/parsed_document.h"

#include <algorithm>

#include "core/error.h"

namespace osprey {

DocumentFormat parse_document_format(const std::string& name) {
  if (name == "text" || name == "plain" || name.empty()) return DocumentFormat::kText;
  if (name == "markdown" || name == "md") return DocumentFormat::kMarkdown;
  if (name == "html") return DocumentFormat::kHtml;
  throw Error(ErrorCode::kInvalidArgument,
              "unknown document format '" + name + "': use 'text', 'markdown', 'html' or 'json'");
}

const char* document_format_name(DocumentFormat format) {
  switch (format) {
    case DocumentFormat::kText:
      return "text";
    case DocumentFormat::kMarkdown:
      return "markdown";
    case DocumentFormat::kHtml:
      return "html";
  }
  return "text";
}

void ParsedDocument::append_verbatim(uint32_t source_offset, std::string_view bytes) {
  if (bytes.empty()) return;
  const uint32_t at = uint32_t(text_.size());
  if (!runs_.empty()) {
    OffsetRun& last = runs_.back();
    const bool contiguous = last.verbatim && last.text_start + last.text_length == at &&
                            last.source_start + last.source_length == source_offset;
    if (contiguous) {
      last.text_length += uint32_t(bytes.size());
      last.source_length += uint32_t(bytes.size());
      text_.append(bytes);
      return;
    }
  }
  runs_.push_back({at, uint32_t(bytes.size()), source_offset, uint32_t(bytes.size()), true});
  text_.append(bytes);
}

void ParsedDocument::append_decoded(uint32_t source_offset, uint32_t source_length,
                                    std::string_view bytes) {
  if (bytes.empty()) return;
  runs_.push_back(
      {uint32_t(text_.size()), uint32_t(bytes.size()), source_offset, source_length, false});
  text_.append(bytes);
}

const OffsetRun* ParsedDocument::run_at(uint32_t offset) const {
  auto it = std::upper_bound(runs_.begin(), runs_.end(), offset,
                             [](uint32_t o, const OffsetRun& r) { return o < r.text_start; });
  return it == runs_.begin() ? nullptr : &*std::prev(it);
}

uint32_t ParsedDocument::source_start(uint32_t offset) const {
  if (!derived_) return offset;
  const OffsetRun* run = run_at(offset);
  if (!run) return 0;
  if (offset >= run->text_start + run->text_length) return run->source_start + run->source_length;
  if (run->verbatim) return run->source_start + (offset - run->text_start);
  return run->source_start;
}

uint32_t ParsedDocument::source_end(uint32_t offset) const {
  if (!derived_) return offset;
  if (offset == 0) return source_start(0);
  const OffsetRun* run = run_at(offset - 1);
  if (!run) return 0;
  if (offset > run->text_start + run->text_length) return run->source_start + run->source_length;
  if (run->verbatim) return run->source_start + (offset - run->text_start);
  return run->source_start + run->source_length;
}

ParsedDocument parse_document(DocumentFormat format, std::string_view source) {
  switch (format) {
    case DocumentFormat::kText:
      return parse_plain_text(source);
    case DocumentFormat::kMarkdown:
      return parse_markdown(source);
    case DocumentFormat::kHtml:
      return parse_html(source);
  }
  return parse_plain_text(source);
}

}  // namespace osprey
