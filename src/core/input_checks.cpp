#include "core/input_checks.h"

#include "core/error.h"
#include "text/utf8.h"

namespace osprey {

size_t json_depth(std::string_view text, size_t limit) {
  size_t depth = 0, deepest = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;  // the escaped character cannot end the string
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

std::string excerpt(std::string_view text, size_t max_bytes) {
  const bool cut = text.size() > max_bytes;
  std::string_view head = text.substr(0, max_bytes);
  // Back off to a character boundary: a lead byte whose continuation bytes were cut off goes.
  if (cut) {
    size_t end = head.size();
    size_t lead = end;
    while (lead > 0 && (static_cast<unsigned char>(head[lead - 1]) & 0xC0) == 0x80) --lead;
    if (lead > 0 && static_cast<unsigned char>(head[lead - 1]) >= 0xC0) {
      const unsigned char b = static_cast<unsigned char>(head[lead - 1]);
      const size_t need = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
      if (end - (lead - 1) < need) head = head.substr(0, lead - 1);
    }
  }
  std::string out;
  try {
    validate_utf8(head, "excerpt");
    out.assign(head);
  } catch (const Error&) {
    // Not text: show its ASCII, which is what a person can read of it anyway.
    for (char c : head) out += static_cast<unsigned char>(c) < 0x80 ? c : '?';
  }
  if (cut) out += "...";
  return out;
}

}  // namespace osprey
