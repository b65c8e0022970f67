// A document's metadata: a JSON object, checked before it is parsed so that nothing accepted can
// fail later (nlohmann::json's dump and copy recurse: a deeply nested object would make every
// later save fail, or exhaust the stack in WASM).
//   At most kMaxBytes of JSON text and kMaxDepth levels of nested objects and arrays per document;
//   past either: LIMIT_EXCEEDED naming the limit and the document.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace osprey {

struct MetadataLimits {
  static constexpr size_t kMaxBytes = 64 * 1024;
  static constexpr size_t kMaxDepth = 32;
};

// The metadata object of `text` (empty text or JSON null: an empty object). `what` names the
// document for messages ("document 'a'"). Throws Error(kLimitExceeded) past a limit,
// Error(kInvalidJson) when the text is not a JSON object.
nlohmann::json parse_metadata(std::string_view text, const std::string& what);

}  // namespace osprey
