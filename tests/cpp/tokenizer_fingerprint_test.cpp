#include "collection/tokenizer_fingerprint.h"

#include "test_util.h"

using namespace osprey;

TEST_CASE("tokenizer fingerprint: stable across builds, and any change to either file changes it") {
  // Fixed values: collections store them, so they may never change (natively and in WASM alike).
  CHECK(tokenizer_fingerprint("{\"model\":{}}", "") == "2ce1b4f6c0f01d26");
  CHECK(tokenizer_fingerprint("{\"model\":{}}", "{}") == "156f35efb227e409");
  CHECK(tokenizer_fingerprint("", "") == "04faeddf7c80a9ef");
  const std::string json = R"({"model":{"type":"WordPiece","vocab":{"[UNK]":0,"a":1,"b":2}}})";
  const std::string print = tokenizer_fingerprint(json, "");
  CHECK(print.size() == 16);
  CHECK(tokenizer_fingerprint(json, "") == print);
  std::string changed = json;
  changed[changed.find("\"b\":2")] = 'c';  // one character of the vocabulary
  CHECK(tokenizer_fingerprint(changed, "") != print);
  CHECK(tokenizer_fingerprint(json, R"({"do_lower_case":false})") != print);
  // Bytes moved from one file to the other are another tokenizer.
  CHECK(tokenizer_fingerprint("ab", "c") != tokenizer_fingerprint("a", "bc"));
  CHECK(tokenizer_fingerprint("ab", "") != tokenizer_fingerprint("", "ab"));
}
