// A stable fingerprint of a tokenizer's definition (its tokenizer.json and tokenizer_config.json
// bytes), recorded with a collection built from a model's embeddings: opening the collection with
// a model whose tokenizer differs would embed queries differently from the stored vectors, so it
// is refused instead of returning silently wrong results.
#pragma once

#include <string>
#include <string_view>

namespace osprey {

// 16 lowercase hex digits; the same bytes give the same fingerprint on every platform and build.
// An absent config is the same as an empty one.
std::string tokenizer_fingerprint(std::string_view tokenizer_json, std::string_view config_json);

}  // namespace osprey
