// Metadata filters, given as JSON in the style of MongoDB / Chroma / Pinecone:
//   {"lang": "en"}                              equality (or membership when the field is an array)
//   {"year": {"$gte": 2020, "$lt": 2024}}        comparisons: $eq $ne $gt $gte $lt $lte
//   {"tag": {"$in": ["a", "b"]}}                 sets: $in $nin; presence: $exists
//   {"$and": [...]}, {"$or": [...]}, {"$not": {...}}
// Field names may be dotted paths into nested objects ("author.name").
// Limits (LIMIT_EXCEEDED past them, checked before the filter is parsed or evaluated): the JSON
// text is at most kMaxBytes, nests objects and arrays at most kMaxDepth levels, and has at most
// kMaxConditions conditions (comparisons and $and/$or/$not; the values of an $in list do not
// count). $in / $nin look values up in a hashed set, so long lists cost little per document.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <memory>
#include <string>

namespace osprey {

class Filter {
 public:
  static constexpr size_t kMaxBytes = 256 * 1024;
  static constexpr size_t kMaxDepth = 32;
  static constexpr size_t kMaxConditions = 1024;

  // Throws Error(kInvalidJson) with the offending part named (quoted as a short excerpt), or
  // Error(kLimitExceeded) naming the limit.
  static Filter parse(const std::string& json_text);
  static Filter compile(const nlohmann::json& spec);

  bool matches(const nlohmann::json& metadata) const;
  bool accepts_all() const { return root_ == nullptr; }

  struct Node;

 private:
  std::shared_ptr<const Node> root_;
};

}  // namespace osprey
