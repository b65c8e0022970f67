#include "tokenizers/tokenizer.h"

#include <algorithm>

#include "core/error.h"
#include "text/unicode.h"
#include "text/utf8.h"
#include "tokenizers/byte_level.h"
#include "tokenizers/regex_matcher.h"

namespace osprey::tokenizers {
namespace {

// Refuses JSON nested deeper than kMaxJsonDepth before nlohmann builds it: copying, comparing
// and printing a json value recurse per level (a 100k-deep array would overflow the stack).
void check_json_depth(std::string_view text, const char* what) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth) {
        throw Error(ErrorCode::kLimitExceeded, std::string(what) +
                                                   ": JSON nested deeper than the limit of " +
                                                   std::to_string(kMaxJsonDepth) +
                                                   " levels (at byte " + std::to_string(i) + ")");
      }
    } else if (c == ']' || c == '}') {
      --depth;  // unbalanced input is the parser's to reject
    }
  }
}

Json parse_json(std::string_view text, const char* what) {
  check_json_depth(text, what);
  Json j = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    throw Error(ErrorCode::kInvalidJson, std::string(what) + " is not valid JSON");
  }
  return j;
}

const Json& member(const Json& j, const char* key) {
  static const Json null_json;
  const Json* v = field(j, key);
  return v ? *v : null_json;
}

// Appends `bytes` as UTF-8 where every maximal ill-formed subsequence becomes one U+FFFD, as
// Rust's String::from_utf8_lossy (Hugging Face's ByteLevel decoder) does; never reads past the end.
void append_utf8_lossy(std::string& out, std::string_view bytes) {
  size_t i = 0, n = bytes.size();
  while (i < n) {
    unsigned char c = static_cast<unsigned char>(bytes[i]);
    if (c < 0x80) {
      out += char(c);
      ++i;
      continue;
    }
    size_t need = 0;  // continuation bytes; the first one in [lo, hi] (Unicode Table 3-7)
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      need = 1;
    } else if (c == 0xE0) {
      need = 2, lo = 0xA0;
    } else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) {
      need = 2;
    } else if (c == 0xED) {
      need = 2, hi = 0x9F;
    } else if (c == 0xF0) {
      need = 3, lo = 0x90;
    } else if (c >= 0xF1 && c <= 0xF3) {
      need = 3;
    } else if (c == 0xF4) {
      need = 3, hi = 0x8F;
    }
    size_t k = 1;
    for (; k <= need && i + k < n; ++k) {
      unsigned char d = static_cast<unsigned char>(bytes[i + k]);
      if (d < (k == 1 ? lo : 0x80) || d > (k == 1 ? hi : 0xBF)) break;
    }
    if (need > 0 && k > need) {
      out.append(bytes.substr(i, need + 1));
    } else {
      out += "\xEF\xBF\xBD";
    }
    i += need > 0 && k > need ? need + 1 : k;
  }
}

void check_option(size_t value, const char* name) {
  if (value > kMaxSequenceLength) {
    throw Error(ErrorCode::kLimitExceeded, std::string("encode: ") + name + " " +
                                               std::to_string(value) + " is above the limit of " +
                                               std::to_string(kMaxSequenceLength) + " tokens");
  }
}

void check_options(const EncodeOptions& o) {
  check_option(o.max_length, "max_length");
  check_option(o.pad_length, "pad_length");
  check_option(o.pad_to_multiple_of, "pad_to_multiple_of");
}

}  // namespace

std::unique_ptr<Tokenizer> Tokenizer::from_json(std::string_view json,
                                                std::string_view config_json) {
  Json j = parse_json(json, "tokenizer.json");
  if (!j.is_object()) throw Error(ErrorCode::kInvalidJson, "tokenizer.json must be a JSON object");
  Json config;
  bool has_config = false;
  if (!config_json.empty()) {
    config = parse_json(config_json, "tokenizer_config.json");
    if (!config.is_object()) {
      throw Error(ErrorCode::kInvalidJson, "tokenizer_config.json must be a JSON object");
    }
    has_config = true;
  }
  std::unique_ptr<Tokenizer> t(new Tokenizer());
  RegexBudgetScope regex_budget;
  try {
    t->load(j, has_config ? &config : nullptr);
  } catch (const Json::exception& e) {
    throw Error(ErrorCode::kInvalidJson,
                std::string("tokenizer.json: unexpected structure: ") + e.what());
  }
  return t;
}

void Tokenizer::load(const Json& j, const Json* config) {
  if (const Json* v = field(j, "version"); v && v->is_string() && v->get<std::string>() != "1.0") {
    throw Error(ErrorCode::kUnsupportedFormat,
                "tokenizer.json: unsupported format version '" + v->get<std::string>() + "'");
  }
  const Json* model = field(j, "model");
  if (!model) bad_json("model", "missing 'model'");
  model_ = make_model(*model);
  normalizer_ = make_normalizer(member(j, "normalizer"));
  if (normalizer_ && config) normalizer_->apply_config(*config);
  pre_tokenizer_ = make_pre_tokenizer(member(j, "pre_tokenizer"));
  added_.load(member(j, "added_tokens"));
  added_.prepare(normalizer_.get());
  post_processor_ = make_post_processor(member(j, "post_processor"),
                                        [this](const std::string& t) { return token_to_id(t); });
  load_decoder(member(j, "decoder"));

  // Defaults: what the file asks for (truncation/padding), else nothing.
  if (const Json* trunc = field(j, "truncation"); trunc && trunc->is_object()) {
    defaults_.max_length = length_field(*trunc, "max_length", "truncation");
    std::string strategy = string_field(*trunc, "strategy", "truncation", "LongestFirst");
    defaults_.truncation = strategy == "OnlyFirst"    ? TruncationStrategy::kOnlyFirst
                           : strategy == "OnlySecond" ? TruncationStrategy::kOnlySecond
                                                      : TruncationStrategy::kLongestFirst;
    defaults_.truncate_left = string_field(*trunc, "direction", "truncation", "Right") == "Left";
  }
  pad_id_ = token_to_id("[PAD]");
  if (pad_id_ < 0) pad_id_ = token_to_id("<pad>");
  if (pad_id_ < 0) pad_id_ = 0;
  if (const Json* pad = field(j, "padding"); pad && pad->is_object()) {
    pad_id_ = id_field(*pad, "pad_id", "padding", pad_id_);
    pad_type_id_ = id_field(*pad, "pad_type_id", "padding", 0);
    defaults_.pad_left = string_field(*pad, "direction", "padding", "Right") == "Left";
    defaults_.pad_to_multiple_of = length_field(*pad, "pad_to_multiple_of", "padding");
    const Json* strategy = field(*pad, "strategy");
    if (strategy && strategy->is_object() && field(*strategy, "Fixed")) {
      defaults_.padding = PaddingStrategy::kMaxLength;
      defaults_.pad_length = length_field(*strategy, "Fixed", "padding.strategy");
    } else {
      defaults_.padding = PaddingStrategy::kLongest;
    }
  }
  if (config) {
    double m = number_field(*config, "model_max_length", "tokenizer_config.json", 0);
    if (m > 0 && m < 1e9) model_max_length_ = size_t(m);
    if (const Json* pad_token = field(*config, "pad_token"); pad_token && pad_token->is_string()) {
      int32_t id = token_to_id(pad_token->get<std::string>());
      if (id >= 0) pad_id_ = id;
    }
  }
}

void Tokenizer::load_decoder(const Json& j) {
  if (j.is_null()) return;
  if (!j.is_object()) bad_json("decoder", "must be an object or null");
  const Json* chosen = &j;
  std::string type = string_field(j, "type", "decoder", "");
  if (type == "Sequence") {
    // Llama-style sequences: decode byte-level, metaspace or wordpiece by the first known step.
    const Json* list = field(j, "decoders");
    if (list && !list->is_array()) bad_json("decoder", "'decoders' must be an array");
    type.clear();
    if (list) {
      for (const Json& d : *list) {
        std::string t = string_field(d, "type", "decoder", "");
        if (t == "ByteLevel" || t == "Metaspace" || t == "WordPiece") {
          type = t;
          chosen = &d;
          break;
        }
      }
    }
  }
  if (type == "WordPiece") {
    decoder_ = Decoder::kWordPiece;
    decoder_prefix_ = string_field(*chosen, "prefix", "WordPiece decoder", "##");
  } else if (type == "ByteLevel") {
    decoder_ = Decoder::kByteLevel;
  } else if (type == "Metaspace") {
    decoder_ = Decoder::kMetaspace;
  }
}

int32_t Tokenizer::token_to_id(const std::string& token) const {
  int32_t id = added_.token_to_id(token);
  return id >= 0 ? id : model_->token_to_id(token);
}

const std::string* Tokenizer::id_to_token(int32_t id) const {
  if (const AddedToken* t = added_.find(id)) return &t->content;
  return model_->id_to_token(id);
}

size_t Tokenizer::vocab_size() const {
  size_t n = model_->vocab_size();
  for (const auto& t : added_.tokens()) n = std::max(n, size_t(t.id) + 1);
  return n;
}

void Tokenizer::encode_sequence(std::string_view text, int32_t type_id, Encoding& out) const {
  if (text.size() > kMaxTextBytes) {
    throw Error(ErrorCode::kLimitExceeded, "text of " + std::to_string(text.size()) +
                                               " bytes exceeds the tokenizer limit of " +
                                               std::to_string(kMaxTextBytes) + " bytes");
  }
  validate_utf8(text, "text to tokenize");
  thread_local NormalizedText original;
  original.clear();
  original.chars.reserve(text.size());
  original.align.reserve(text.size());
  uint32_t index = 0;
  for (size_t pos = 0; pos < text.size(); ++index) {
    original.push(next_codepoint(text, pos), {index, index + 1});
  }
  thread_local Pieces pieces, pre_tokenized;
  added_.extract_and_normalize(original, normalizer_.get(), pieces);  // within kMaxNormalizedChars
  const Pieces* final_pieces = &pieces;
  if (pre_tokenizer_) {
    pre_tokenizer_->pre_tokenize(pieces, pre_tokenized);
    final_pieces = &pre_tokenized;
  }
  thread_local std::vector<ModelToken> tokens;
  const NormalizedText& t = final_pieces->text;
  out.reserve(out.size() + final_pieces->spans.size() + final_pieces->spans.size() / 4 + 4);
  for (const auto& span : final_pieces->spans) {
    if (span.fixed_id >= 0) {
      Align a = t.original_range(span.begin, span.end);
      uint16_t leading = 0, trailing = 0;
      while (span.begin + leading < span.end &&
             unicode::is_whitespace(t.chars[span.begin + leading]) && leading < 255)
        ++leading;
      while (span.end - trailing > span.begin + leading &&
             unicode::is_whitespace(t.chars[span.end - 1 - trailing]) && trailing < 255)
        ++trailing;
      out.push(span.fixed_id, type_id, {a.start, a.end}, false, uint16_t(leading << 8 | trailing));
      continue;
    }
    tokens.clear();
    model_->tokenize(t.chars.data() + span.begin, span.end - span.begin, tokens);
    for (const ModelToken& tok : tokens) {
      Align a = t.original_range(span.begin + tok.begin, span.begin + tok.end);
      out.push(tok.id, type_id, {a.start, a.end}, false);
    }
  }
  release_if_large(original);
  release_if_large(pieces);
  release_if_large(pre_tokenized);
  release_if_large(tokens);
}

void Tokenizer::finish(Encoding& a, Encoding* b, const EncodeOptions& options,
                       Encoding& out) const {
  if (options.max_length > 0) {
    size_t added = options.add_special_tokens && post_processor_
                       ? post_processor_->added_tokens(b != nullptr)
                       : 0;
    if (added > options.max_length) {
      throw Error(ErrorCode::kInvalidArgument, "max_length " + std::to_string(options.max_length) +
                                                   " leaves no room for the special tokens");
    }
    truncate_pair(a, b, options.max_length - added, options.truncation, options.truncate_left);
  }
  if (post_processor_) {
    TokenString token = [this](int32_t id) { return id_to_token(id); };
    post_processor_->adjust(a, token);
    if (b) post_processor_->adjust(*b, token);
    post_processor_->merge(a, b, options.add_special_tokens, out);
  } else {
    default_merge(a, b, out);
  }
}

Encoding Tokenizer::encode(std::string_view text, const std::string_view* pair,
                           const EncodeOptions& options) const {
  check_options(options);
  Encoding a, b, out;
  encode_sequence(text, 0, a);
  if (pair) encode_sequence(*pair, 1, b);
  finish(a, pair ? &b : nullptr, options, out);
  size_t target = 0;
  if (options.padding == PaddingStrategy::kMaxLength) {
    target = options.max_length ? options.max_length : options.pad_length;
  } else if (options.padding == PaddingStrategy::kLongest) {
    target = out.size();
  }
  if (options.pad_to_multiple_of > 0 && target % options.pad_to_multiple_of) {
    target += options.pad_to_multiple_of - target % options.pad_to_multiple_of;
  }
  out.pad(target, pad_id_, pad_type_id_, options.pad_left);
  return out;
}

BatchEncoding Tokenizer::encode_batch(const std::vector<std::string>& texts,
                                      const std::vector<std::string>* pairs,
                                      const EncodeOptions& options) const {
  if (pairs && pairs->size() != texts.size()) {
    throw Error(ErrorCode::kInvalidArgument, "encode_batch: " + std::to_string(texts.size()) +
                                                 " texts but " + std::to_string(pairs->size()) +
                                                 " pairs");
  }
  check_options(options);
  EncodeOptions row_options = options;
  row_options.padding = PaddingStrategy::kNone;
  std::vector<Encoding> rows;
  rows.reserve(texts.size());
  size_t cols = 0;
  for (size_t i = 0; i < texts.size(); ++i) {
    std::string_view p = pairs ? std::string_view((*pairs)[i]) : std::string_view();
    rows.push_back(encode(texts[i], pairs ? &p : nullptr, row_options));
    cols = std::max(cols, rows.back().size());
  }
  if (options.padding == PaddingStrategy::kMaxLength) {
    cols = std::max(cols, options.max_length ? options.max_length : options.pad_length);
  }
  if (options.pad_to_multiple_of > 0 && cols % options.pad_to_multiple_of) {
    cols += options.pad_to_multiple_of - cols % options.pad_to_multiple_of;
  }
  if (cols > 0 && rows.size() > kMaxBatchCells / cols) {
    throw Error(ErrorCode::kLimitExceeded,
                "encode_batch: " + std::to_string(rows.size()) + " rows x " + std::to_string(cols) +
                    " columns is above the limit of " + std::to_string(kMaxBatchCells) + " cells");
  }
  BatchEncoding batch;
  batch.rows = rows.size();
  batch.cols = cols;
  batch.input_ids.reserve(rows.size() * cols);
  batch.attention_mask.reserve(rows.size() * cols);
  batch.token_type_ids.reserve(rows.size() * cols);
  for (Encoding& e : rows) {
    e.pad(cols, pad_id_, pad_type_id_, options.pad_left);
    batch.input_ids.insert(batch.input_ids.end(), e.ids.begin(), e.ids.end());
    batch.attention_mask.insert(batch.attention_mask.end(), e.attention_mask.begin(),
                                e.attention_mask.end());
    batch.token_type_ids.insert(batch.token_type_ids.end(), e.type_ids.begin(), e.type_ids.end());
  }
  return batch;
}

std::string Tokenizer::decode(const std::vector<int32_t>& ids, bool skip_special_tokens) const {
  std::vector<std::string> tokens;
  for (int32_t id : ids) {
    const AddedToken* added = added_.find(id);
    if (added && added->special && skip_special_tokens) continue;
    const std::string* s = id_to_token(id);
    if (!s)
      throw Error(ErrorCode::kInvalidArgument, "decode: unknown token id " + std::to_string(id));
    tokens.push_back(*s);
  }
  std::string out;
  if (decoder_ == Decoder::kWordPiece) {
    const std::string& prefix = decoder_prefix_;
    for (size_t i = 0; i < tokens.size(); ++i) {
      const std::string& t = tokens[i];
      if (i > 0 && t.compare(0, prefix.size(), prefix) == 0) {
        out += t.substr(prefix.size());
      } else {
        if (i > 0) out += ' ';
        out += t;
      }
    }
    return out;
  }
  if (decoder_ == Decoder::kByteLevel) {
    for (const std::string& t : tokens) {
      for (size_t pos = 0; pos < t.size();) {
        char32_t c = next_codepoint(t, pos);
        int b = char_to_byte(c);
        if (b >= 0)
          out.push_back(char(b));
        else
          append_utf8(out, c);
      }
    }
    // Byte sequences cut mid-character decode to U+FFFD, as HF's from_utf8_lossy.
    std::string clean;
    clean.reserve(out.size());
    append_utf8_lossy(clean, out);
    return clean;
  }
  if (decoder_ == Decoder::kMetaspace) {
    for (const std::string& t : tokens) out += t;
    std::string spaced;
    const std::string meta = "\xE2\x96\x81";
    for (size_t pos = 0; pos < out.size();) {
      if (out.compare(pos, meta.size(), meta) == 0) {
        spaced += ' ';
        pos += meta.size();
      } else {
        spaced += out[pos++];
      }
    }
    if (!spaced.empty() && spaced[0] == ' ') spaced.erase(0, 1);
    return spaced;
  }
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (i > 0) out += ' ';
    out += tokens[i];
  }
  return out;
}

}  // namespace osprey::tokenizers
