// Filters: any JSON text compiles or is refused with INVALID_JSON / LIMIT_EXCEEDED (and a short,
// valid UTF-8 message: input is quoted as an excerpt only), and a compiled filter evaluates on
// every document without failing. $in and $or of equalities (hashed, merged) must agree with the
// plain definitions, checked against a direct evaluation of simple filters.
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <string>
#include <vector>

#include "fuzz_util.h"
#include "query/filter.h"
#include "text/utf8.h"

using namespace osprey;
using nlohmann::json;

namespace {

const std::vector<json>& documents() {
  static const std::vector<json> docs = {
      json::object(),
      json::parse(R"({"lang":"en","year":2001,"tags":["flow","wing"],"score":0.5})"),
      json::parse(R"({"lang":"zh","year":2010.0,"author":{"name":"Li","age":40},"n":null})"),
      json::parse(
          R"({"lang":["en","fr"],"year":-1,"big":18446744073709551615,"neg":-9223372036854775808})"),
      json::parse(R"({"a":{"b":{"c":[1,2,[3]]}},"flag":true,"s":"\u00e9\u6a5f","e":""})"),
      json::parse(R"({"year":"2001","tags":[],"x":1e308,"y":-0.0,"z":9007199254740993})"),
  };
  return docs;
}

void check_message(const Error& e) {
  const std::string message = e.what();
  if (message.size() > 400) std::abort();
  if (!fuzz::is_utf8(message)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  Filter filter;
  try {
    filter = Filter::parse(text);
  } catch (const Error& e) {
    if (e.code() != ErrorCode::kInvalidJson && e.code() != ErrorCode::kLimitExceeded) std::abort();
    check_message(e);
    return 0;
  }
  std::vector<bool> results;
  for (const json& doc : documents()) results.push_back(filter.matches(doc));
  // {"$or": [A, B, ...]} matches exactly when some of A, B, ... does; {"$not": F} when F does
  // not: checks the merged and hashed forms against the definitions.
  const json spec = json::parse(text, nullptr, false);
  if (spec.is_object() && spec.size() == 1 && spec.contains("$or") && spec["$or"].is_array()) {
    std::vector<Filter> parts;
    for (const auto& part : spec["$or"]) parts.push_back(Filter::compile(part));
    for (size_t d = 0; d < documents().size(); ++d) {
      bool any = false;
      for (const Filter& part : parts) any = any || part.matches(documents()[d]);
      if (any != results[d]) std::abort();
    }
  }
  if (!filter.accepts_all()) {
    Filter negated;
    try {
      negated = Filter::compile(json{{"$not", spec}});
    } catch (const Error& e) {
      if (e.code() != ErrorCode::kLimitExceeded) std::abort();  // one level more than allowed
      return 0;
    }
    for (size_t d = 0; d < documents().size(); ++d) {
      if (negated.matches(documents()[d]) == results[d]) std::abort();
    }
  }
  return 0;
}
