// Reading tokenizer.json fields with errors that name the component and the field.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "core/error.h"

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

}  // namespace osprey::tokenizers
