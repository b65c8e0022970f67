// tokenizer.json loading: any file loads or is refused with an osprey::Error (never a crash, a
// foreign exception, an unbounded allocation or unbounded work); a loaded tokenizer encodes a few
// fixed texts (multi-byte, special-token strings, long ones), with its own default options, in
// pairs and in batches, and decodes the ids. Encodings must be consistent.
#include <cstdlib>
#include <string>
#include <vector>

#include "fuzz_util.h"
#include "text/utf8.h"
#include "tokenizers/tokenizer.h"

using namespace osprey;
using namespace osprey::tokenizers;

namespace {

const std::vector<std::string>& texts() {
  static const std::vector<std::string> t = [] {
    std::vector<std::string> v = {
        "Hello world! It's a test, isn't it?",
        "Gr\xC3\xBC\xC3\x9F"
        "e, \xE4\xB8\x96\xE7\x95\x8C! \xF0\x9F\x99\x82 na\xC3\xAF"
        "ve caf\xC3\xA9 "
        "\xEF\xAC\x81 \xC7\x84 \xC4\xB0 \xEF\xB7\xBA \xE0\xB8\x81\xE0\xB8\xB2",
        "",
        "  \t\n  ",
        "[CLS] <s> </s> <unk> [UNK] <pad> [MASK] <|endoftext|> <mask>",
        "e\xCC\x81\xCC\xA3\xCC\x81 A\xCC\x8A \xE1\x84\x80\xE1\x85\xA1\xE1\x86\xA8 123 4.5",
    };
    std::string mixed;
    while (mixed.size() < 2000) mixed += "Tokens, \xE4\xB8\xAD\xE6\x96\x87 and 42 numbers! ";
    v.push_back(mixed);
    v.push_back(std::string(2000, 'a') + "\xCC\x81");  // one long word ending in a mark
    return v;
  }();
  return t;
}

size_t chars_of(const std::string& s) {
  size_t n = 0;
  for (size_t pos = 0; pos < s.size(); ++n) next_codepoint(s, pos);
  return n;
}

void check(const Encoding& e, size_t chars) {
  size_t n = e.ids.size();
  if (e.type_ids.size() != n || e.attention_mask.size() != n || e.special_tokens_mask.size() != n ||
      e.offsets.size() != n || e.surface_spaces.size() != n) {
    std::abort();
  }
  for (const auto& [start, end] : e.offsets) {
    if (start > end || end > chars) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::unique_ptr<Tokenizer> t;
  fuzz::expect_clean([&] { t = Tokenizer::from_json(fuzz::as_text(data, size)); });
  if (!t) return 0;
  for (const std::string& text : texts()) {
    fuzz::expect_clean([&] {
      Encoding e = t->encode(text);
      check(e, chars_of(text));
      fuzz::expect_clean([&] { t->decode(e.ids, false); });
      fuzz::expect_clean([&] { t->decode(e.ids, true); });
    });
    fuzz::expect_clean([&] { check(t->encode(text, t->default_options()), SIZE_MAX); });
  }
  fuzz::expect_clean([&] {
    std::string_view pair(texts()[1]);
    EncodeOptions o;
    o.max_length = 12;
    check(t->encode(texts()[0], &pair, o), SIZE_MAX);
  });
  fuzz::expect_clean([&] {
    EncodeOptions o;
    o.padding = PaddingStrategy::kLongest;
    o.pad_to_multiple_of = 8;
    BatchEncoding b = t->encode_batch(texts(), nullptr, o);
    if (b.input_ids.size() != b.rows * b.cols || b.attention_mask.size() != b.rows * b.cols)
      std::abort();
  });
  std::vector<int32_t> ids = {0, 1, 2, 3, 100, 101, 102, -1, int32_t(t->vocab_size()) - 1};
  for (int32_t id : ids) {
    fuzz::expect_clean([&] { t->decode({id, id}, false); });
  }
  fuzz::expect_clean([&] {
    for (const std::string& s : {"[CLS]", "a", "<s>", "\xC4\xA0"}) t->token_to_id(s);
  });
  return 0;
}
