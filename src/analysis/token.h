// A term produced by analysis, with where it came from in the original text.
#pragma once

#include <cstdint>
#include <string>

namespace osprey {

struct Token {
  std::string term;    // normalized form that is indexed and searched
  uint32_t position;   // ordinal among the field's tokens (phrase queries)
  uint32_t start;      // byte offset of the source text in the field (highlighting)
  uint32_t end;        // byte offset one past the source text
};

}  // namespace osprey
