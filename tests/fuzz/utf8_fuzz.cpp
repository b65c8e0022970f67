// UTF-8: validation accepts exactly what decoding can walk, and decoding re-encodes to the input.
#include <cstdlib>
#include <string>

#include "fuzz_util.h"
#include "text/utf8.h"

using namespace osprey;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = fuzz::as_text(data, size);
  try {
    validate_utf8(text, "input");
  } catch (const Error& e) {
    if (e.code() != ErrorCode::kInvalidUtf8) std::abort();
    return 0;
  }
  std::string again;
  for (size_t pos = 0; pos < text.size();) append_utf8(again, next_codepoint(text, pos));
  if (again != text) std::abort();
  return 0;
}
