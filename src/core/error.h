// Osprey's one exception type. Every error carries a stable machine-readable code (surfaced in JS
// as `err.code`) and a message written for the person who has to fix the input.
#pragma once

#include <stdexcept>
#include <string>

namespace osprey {

enum class ErrorCode {
  kInvalidArgument,    // a parameter has the wrong type, range or shape
  kDimensionMismatch,  // a vector's length differs from the collection's dimension
  kInvalidVector,      // NaN or infinite component, or a zero vector under cosine
  kDuplicateId,        // adding an id that already exists (or twice in one batch)
  kUnknownId,          // deleting or reading an id that does not exist
  kEmptyQuery,         // no text and no vector to search with
  kInvalidUtf8,        // text that is not well-formed UTF-8
  kInvalidJson,        // metadata or filter that is not valid JSON of the expected shape
  kCorruptData,        // bytes that fail a checksum or a structural check
  kUnsupportedFormat,  // bytes of another program, or of a format version we cannot read
  kClosed,             // the collection was closed
  kLimitExceeded,      // an input larger than Osprey accepts (documented per limit)
  kInternal,           // a broken invariant: a bug in Osprey
};

// Stable upper-snake name of a code, e.g. "DIMENSION_MISMATCH".
const char* error_code_name(ErrorCode code);

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  ErrorCode code() const { return code_; }

 private:
  ErrorCode code_;
};

}  // namespace osprey
