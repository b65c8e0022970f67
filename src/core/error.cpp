#include "core/error.h"

namespace osprey {

const char* error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return "INVALID_ARGUMENT";
    case ErrorCode::kDimensionMismatch:
      return "DIMENSION_MISMATCH";
    case ErrorCode::kInvalidVector:
      return "INVALID_VECTOR";
    case ErrorCode::kDuplicateId:
      return "DUPLICATE_ID";
    case ErrorCode::kUnknownId:
      return "UNKNOWN_ID";
    case ErrorCode::kEmptyQuery:
      return "EMPTY_QUERY";
    case ErrorCode::kInvalidUtf8:
      return "INVALID_UTF8";
    case ErrorCode::kInvalidJson:
      return "INVALID_JSON";
    case ErrorCode::kCorruptData:
      return "CORRUPT_DATA";
    case ErrorCode::kUnsupportedFormat:
      return "UNSUPPORTED_FORMAT";
    case ErrorCode::kClosed:
      return "CLOSED";
    case ErrorCode::kLimitExceeded:
      return "LIMIT_EXCEEDED";
    case ErrorCode::kInternal:
      return "INTERNAL";
  }
  return "INTERNAL";
}

}  // namespace osprey
