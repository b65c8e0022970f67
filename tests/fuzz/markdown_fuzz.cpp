// Markdown (and plain text): parsing and chunking any text take linear time and produce valid
// UTF-8 with offsets inside the text (document_checks.h). Input that is not UTF-8 is refused
// before parsing (ingestion validates it), so it is skipped here.
#include "document_checks.h"

using namespace osprey;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view source = fuzz::as_text(data, size);
  if (!fuzz::is_utf8(source)) return 0;
  const ParsedDocument doc = parse_markdown(source);
  fuzz::require(doc.text() == source);  // Markdown keeps the source as the readable text
  fuzz::check_document(source, doc);
  if (size % 7 == 0) fuzz::check_document(source, parse_plain_text(source));
  return 0;
}
