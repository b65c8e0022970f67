// Strict UTF-8 (RFC 3629): overlong forms, surrogates and code points above U+10FFFF are errors.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace osprey {

// Throws Error(kInvalidUtf8) naming the byte offset and `what` (e.g. "document 'a' body").
void validate_utf8(std::string_view text, std::string_view what);

// Decodes the code point at `pos` of valid UTF-8 and advances `pos`.
char32_t next_codepoint(std::string_view text, size_t& pos);

void append_utf8(std::string& out, char32_t cp);

}  // namespace osprey
