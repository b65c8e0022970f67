// Reading tokenizer.json fields with errors that name the component and the field.
#pragma once

#include <cmath>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "core/error.h"
#include "tokenizers/limits.h"

namespace osprey::tokenizers {

using Json = nlohmann::json;

[[noreturn]] inline void bad_json(const std::string& where, const std::string& what) {
  throw Error(ErrorCode::kInvalidJson, "tokenizer.json: " + where + ": " + what);
}
[[noreturn]] inline void unsupported(const std::string& kind, const std::string& type) {
  throw Error(ErrorCode::kUnsupportedFormat,
              "tokenizer.json: unsupported " + kind + " '" + type + "'");
}

inline const Json* field(const Json& j, const char* key) {
  if (!j.is_object()) return nullptr;
  auto it = j.find(key);
  return (it == j.end() || it->is_null()) ? nullptr : &*it;
}
inline std::string string_field(const Json& j, const char* key, const std::string& where,
                                const char* fallback = nullptr) {
  const Json* v = field(j, key);
  if (!v) {
    if (fallback) return fallback;
    bad_json(where, std::string("missing string field '") + key + "'");
  }
  if (!v->is_string()) bad_json(where, std::string("field '") + key + "' must be a string");
  return v->get<std::string>();
}
inline bool bool_field(const Json& j, const char* key, const std::string& where, bool fallback) {
  const Json* v = field(j, key);
  if (!v) return fallback;
  if (!v->is_boolean()) bad_json(where, std::string("field '") + key + "' must be a boolean");
  return v->get<bool>();
}
inline double number_field(const Json& j, const char* key, const std::string& where,
                           double fallback) {
  const Json* v = field(j, key);
  if (!v) return fallback;
  if (!v->is_number()) bad_json(where, std::string("field '") + key + "' must be a number");
  return v->get<double>();
}

// A whole number in [lo, hi], checked before any conversion (a JSON number can be 1e300 or
// 2^64 - 1). `what` names it ("field 'Fixed'"). Errors: kInvalidJson for another type, a fraction
// or a value below `lo`; kLimitExceeded above `hi`, naming `limit` (what `hi` is) or `hi`.
inline int64_t integer_value(const Json& v, const std::string& what, const std::string& where,
                             int64_t lo, int64_t hi, const std::string& limit = "") {
  if (!v.is_number()) bad_json(where, what + " must be a number");
  bool below = false, above = false;
  int64_t r = 0;
  if (v.is_number_unsigned()) {
    uint64_t u = v.get<uint64_t>();
    above = u > uint64_t(hi);
    if (!above) r = int64_t(u);
  } else if (v.is_number_integer()) {
    r = v.get<int64_t>();
    below = r < lo;
    above = r > hi;
  } else {
    double d = v.get<double>();
    if (!std::isfinite(d) || d != std::floor(d)) bad_json(where, what + " must be a whole number");
    below = d < double(lo);
    above = d > double(hi);
    if (!below && !above) r = int64_t(d);
  }
  if (below) bad_json(where, what + " is " + v.dump() + ", below " + std::to_string(lo));
  if (above) {
    throw Error(ErrorCode::kLimitExceeded, "tokenizer.json: " + where + ": " + what + " is " +
                                               v.dump() + ", above the limit of " +
                                               (limit.empty() ? std::to_string(hi) : limit));
  }
  return r;
}
inline int64_t integer_field(const Json& j, const char* key, const std::string& where,
                             int64_t fallback, int64_t lo, int64_t hi,
                             const std::string& limit = "") {
  const Json* v = field(j, key);
  if (!v) return fallback;
  return integer_value(*v, std::string("field '") + key + "'", where, lo, hi, limit);
}
// A token id or type id: 0 ..= kMaxTokenId.
inline int32_t id_value(const Json& v, const std::string& what, const std::string& where) {
  return int32_t(integer_value(v, what, where, 0, kMaxTokenId,
                               std::to_string(kMaxTokenId) + " (the token id limit)"));
}
inline int32_t id_field(const Json& j, const char* key, const std::string& where,
                        int32_t fallback) {
  const Json* v = field(j, key);
  if (!v) return fallback;
  return id_value(*v, std::string("field '") + key + "'", where);
}
// A length in tokens: 0 ..= kMaxSequenceLength.
inline size_t length_field(const Json& j, const char* key, const std::string& where) {
  return size_t(integer_field(j, key, where, 0, 0, int64_t(kMaxSequenceLength),
                              std::to_string(kMaxSequenceLength) + " tokens"));
}

}  // namespace osprey::tokenizers
