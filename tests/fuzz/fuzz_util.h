// What every harness shares: Osprey's own errors are the expected outcome of bad bytes; anything
// else (another exception, a sanitizer report, a timeout, a large allocation) is a finding.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/error.h"
#include "text/utf8.h"

namespace osprey::fuzz {

inline std::string_view as_text(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

inline bool is_utf8(std::string_view text) {
  try {
    validate_utf8(text, "text");
    return true;
  } catch (const Error&) {
    return false;
  }
}

// Runs `body`, accepting an osprey::Error; kInternal means a broken invariant, so it is a finding.
template <typename Body>
void expect_clean(Body&& body) {
  try {
    body();
  } catch (const Error& e) {
    if (e.code() == ErrorCode::kInternal) throw;
  }
}

}  // namespace osprey::fuzz
