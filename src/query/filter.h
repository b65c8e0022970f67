// Metadata filters, given as JSON in the style of MongoDB / Chroma / Pinecone:
//   {"lang": "en"}                              equality (or membership when the field is an array)
//   {"year": {"$gte": 2020, "$lt": 2024}}        comparisons: $eq $ne $gt $gte $lt $lte
//   {"tag": {"$in": ["a", "b"]}}                 sets: $in $nin; presence: $exists
//   {"$and": [...]}, {"$or": [...]}, {"$not": {...}}
// Field names may be dotted paths into nested objects ("author.name").
#pragma once

#include <nlohmann/json.hpp>

#include <memory>
#include <string>

namespace osprey {

class Filter {
 public:
  // Throws Error(kInvalidJson) with the offending part named.
  static Filter parse(const std::string& json_text);
  static Filter compile(const nlohmann::json& spec);

  bool matches(const nlohmann::json& metadata) const;
  bool accepts_all() const { return root_ == nullptr; }

  struct Node;

 private:
  std::shared_ptr<const Node> root_;
};

}  // namespace osprey
