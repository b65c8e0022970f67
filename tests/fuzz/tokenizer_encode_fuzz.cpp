// Encoding any text with the real tokenizers of ../shared/data/tokenizers (loaded once): the first
// input byte chooses the tokenizer and the options, the rest is the text. Invalid UTF-8 must be
// refused as such (and is encoded once more with U+FFFD in place of the bad bytes); any other
// error is a finding. Offsets stay within the text, decoding works, and GPT-2 (byte-level, no
// normalizer) decodes back to the exact text.
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "fuzz_util.h"
#include "text/utf8.h"
#include "tokenizers/tokenizer.h"

#ifndef OSPREY_SHARED_DATA
#error "OSPREY_SHARED_DATA must name ../shared/data (CMakeLists.txt sets it)"
#endif

using namespace osprey;
using namespace osprey::tokenizers;

namespace {

const char* const kFamilies[] = {
    "bert-uncased", "cross-encoder", "bert-chinese", "bge-zh", "roberta", "gpt2", "t5"};
constexpr size_t kCount = sizeof(kFamilies) / sizeof(kFamilies[0]);
constexpr size_t kGpt2 = 5;

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const std::vector<std::unique_ptr<Tokenizer>>& loaded_tokenizers() {
  static const std::vector<std::unique_ptr<Tokenizer>> all = [] {
    std::vector<std::unique_ptr<Tokenizer>> v;
    for (const char* family : kFamilies) {
      std::string dir = std::string(OSPREY_SHARED_DATA) + "/tokenizers/" + family + "/";
      std::string json = read(dir + "tokenizer.json");
      if (json.empty()) std::abort();  // the fuzzer needs the shared data
      v.push_back(Tokenizer::from_json(json, read(dir + "tokenizer_config.json")));
    }
    return v;
  }();
  return all;
}

// Replaces each byte that does not start a well-formed sequence with U+FFFD.
std::string sanitized(std::string_view s) {
  std::string out;
  for (size_t pos = 0; pos < s.size();) {
    size_t len = 1;
    for (size_t k = 4; k >= 1; --k) {
      if (pos + k > s.size()) continue;
      try {
        validate_utf8(s.substr(pos, k), "byte");
        len = k;
        break;
      } catch (const Error&) {
      }
    }
    std::string_view one = s.substr(pos, len);
    try {
      validate_utf8(one, "byte");
      out.append(one);
    } catch (const Error&) {
      out += "\xEF\xBF\xBD";
    }
    pos += len;
  }
  return out;
}

size_t chars_of(const std::string& s) {
  size_t n = 0;
  for (size_t pos = 0; pos < s.size(); ++n) next_codepoint(s, pos);
  return n;
}

// Only kInvalidUtf8 (for invalid text) may come out of the real tokenizers.
template <typename F>
bool run(F&& f, bool valid) {
  try {
    f();
    return true;
  } catch (const Error& e) {
    if (valid || e.code() != ErrorCode::kInvalidUtf8) std::abort();
    return false;
  }
}

void check_offsets(const Encoding& e, size_t chars) {
  if (e.offsets.size() != e.ids.size()) std::abort();
  for (const auto& [start, end] : e.offsets) {
    if (start > end || end > chars) std::abort();
  }
}

void exercise(const Tokenizer& t, size_t family, uint8_t mode, const std::string& text,
              bool valid) {
  EncodeOptions o;
  o.add_special_tokens = !(mode & 1);
  if (mode & 2) o.max_length = 8 + (mode >> 3);
  if (mode & 4) o.truncate_left = true;
  Encoding e;
  if (!run([&] { e = t.encode(text, o); }, valid)) return;
  if (!valid) std::abort();  // invalid UTF-8 must be refused
  check_offsets(e, chars_of(text));
  std::string decoded;
  run([&] { decoded = t.decode(e.ids, false); }, true);
  run([&] { t.decode(e.ids, true); }, true);
  if (family == kGpt2 && o.max_length == 0 && decoded != text) std::abort();
  // As a pair: the text split in two halves (at a character boundary).
  size_t half = text.size() / 2;
  while (half < text.size() && (static_cast<unsigned char>(text[half]) & 0xC0) == 0x80) ++half;
  std::string a = text.substr(0, half), b = text.substr(half);
  std::string_view bv(b);
  EncodeOptions pair = o;
  pair.max_length = (mode & 2) ? 4 + (mode >> 4) : 0;
  run([&] { t.encode(a, &bv, pair); }, true);
}

}  // namespace

// Loading the seven tokenizers takes seconds under the sanitizers: before the per-input timeout.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  loaded_tokenizers();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t family = data[0] % kCount;
  const uint8_t mode = uint8_t(data[0] / kCount);
  const Tokenizer& t = *loaded_tokenizers()[family];
  std::string text(fuzz::as_text(data + 1, size - 1));
  const bool valid = fuzz::is_utf8(text);
  exercise(t, family, mode, text, valid);
  if (!valid) exercise(t, family, mode, sanitized(text), true);
  return 0;
}
