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

void append_bounded(std::string& out, std::string_view bytes, size_t max_bytes) {
  if (out.size() >= max_bytes) return;
  size_t take = std::min(bytes.size(), max_bytes - out.size());
  if (take < bytes.size()) {
    // Not inside a character: back up to the start of the one that would be cut.
    while (take > 0 && (static_cast<unsigned char>(bytes[take]) & 0xC0) == 0x80) --take;
  }
  out.append(bytes.substr(0, take));
}

std::vector<std::string> ParsedDocument::section_path(uint32_t section) const {
  std::vector<std::string> path;
  for (uint32_t s = section; s != 0; s = sections[s].parent) path.push_back(sections[s].heading);
  std::reverse(path.begin(), path.end());
  return path;
}

uint32_t ParsedDocument::add_section(std::vector<uint32_t>& open, int level, std::string heading) {
  while (!open.empty() && sections[open.back()].level >= level) open.pop_back();
  Section section;
  section.heading = std::move(heading);
  section.parent = open.empty() ? 0 : open.back();
  section.level = uint8_t(level);
  sections.push_back(std::move(section));
  open.push_back(uint32_t(sections.size() - 1));
  return open.back();
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
