// HTML: parsing and chunking any text take linear time and produce valid UTF-8 with offsets inside
// the text and the source (document_checks.h). Input that is not UTF-8 is refused before parsing
// (ingestion validates it), so it is skipped here.
#include "document_checks.h"

using namespace osprey;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view source = fuzz::as_text(data, size);
  if (!fuzz::is_utf8(source)) return 0;
  fuzz::check_document(source, parse_html(source));
  return 0;
}
