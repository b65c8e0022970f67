#include "store/metadata.h"

#include "core/error.h"
#include "core/input_checks.h"

namespace osprey {

nlohmann::json parse_metadata(std::string_view text, const std::string& what) {
  if (text.empty()) return nlohmann::json::object();
  if (text.size() > MetadataLimits::kMaxBytes) {
    throw Error(ErrorCode::kLimitExceeded, what + " metadata is " + std::to_string(text.size()) +
                                               " bytes; the limit is " +
                                               std::to_string(MetadataLimits::kMaxBytes) +
                                               " bytes of metadata JSON per document (64 KiB)");
  }
  if (json_depth(text, MetadataLimits::kMaxDepth) > MetadataLimits::kMaxDepth) {
    throw Error(ErrorCode::kLimitExceeded, what +
                                               " metadata nests objects and arrays deeper than " +
                                               std::to_string(MetadataLimits::kMaxDepth) +
                                               " levels (the metadata depth limit)");
  }
  nlohmann::json metadata = nlohmann::json::parse(text, nullptr, false);
  if (metadata.is_null()) return nlohmann::json::object();
  if (metadata.is_discarded() || !metadata.is_object()) {
    throw Error(ErrorCode::kInvalidJson, what + " metadata must be a JSON object");
  }
  return metadata;
}

}  // namespace osprey
