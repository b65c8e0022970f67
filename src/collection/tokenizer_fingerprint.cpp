#include "collection/tokenizer_fingerprint.h"

#include "ingest/content_hash.h"

namespace osprey {

std::string tokenizer_fingerprint(std::string_view tokenizer_json, std::string_view config_json) {
  // Seeded apart, so that bytes moved from one file to the other change the fingerprint.
  const uint64_t json = content_hash(tokenizer_json, 0x746F6B656E697A65ull);  // "tokenize"
  const uint64_t config = content_hash(config_json, 0x636F6E666967ull);       // "config"
  return hash_hex(hash_combine(json, config));
}

}  // namespace osprey
