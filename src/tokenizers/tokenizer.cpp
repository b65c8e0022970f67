#include "tokenizers/tokenizer.h"

#include <algorithm>

#include "core/error.h"
#include "text/unicode.h"
#include "text/utf8.h"
#include "tokenizers/byte_level.h"

namespace osprey::tokenizers {
namespace {

Json parse_json(std::string_view text, const char* what) {
  Json j = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    throw Error(ErrorCode::kInvalidJson, std::string(what) + " is not valid JSON");
  }
  return j;
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
  normalizer_ = make_normalizer(j.value("normalizer", Json()));
  if (normalizer_ && config) normalizer_->apply_config(*config);
  pre_tokenizer_ = make_pre_tokenizer(j.value("pre_tokenizer", Json()));
  added_.load(j.value("added_tokens", Json()));
  added_.prepare(normalizer_.get());
  post_processor_ = make_post_processor(j.value("post_processor", Json()),
                                        [this](const std::string& t) { return token_to_id(t); });
  decoder_ = j.value("decoder", Json());

  // Defaults: what the file asks for (truncation/padding), else nothing.
  if (const Json* trunc = field(j, "truncation"); trunc && trunc->is_object()) {
    defaults_.max_length = size_t(number_field(*trunc, "max_length", "truncation", 0));
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
    pad_id_ = int32_t(number_field(*pad, "pad_id", "padding", pad_id_));
    pad_type_id_ = int32_t(number_field(*pad, "pad_type_id", "padding", 0));
    defaults_.pad_left = string_field(*pad, "direction", "padding", "Right") == "Left";
    defaults_.pad_to_multiple_of = size_t(number_field(*pad, "pad_to_multiple_of", "padding", 0));
    const Json* strategy = field(*pad, "strategy");
    if (strategy && strategy->is_object() && field(*strategy, "Fixed")) {
      defaults_.padding = PaddingStrategy::kMaxLength;
      defaults_.pad_length = size_t(number_field(*strategy, "Fixed", "padding", 0));
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
  added_.extract_and_normalize(original, normalizer_.get(), pieces);
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
  std::string type = decoder_.is_object() ? decoder_.value("type", "") : "";
  if (type == "Sequence") {
    // Llama-style sequences: decode byte-level or metaspace below by the first known step.
    for (const Json& d : decoder_.value("decoders", Json::array())) {
      std::string t = d.value("type", "");
      if (t == "ByteLevel" || t == "Metaspace" || t == "WordPiece") {
        type = t;
        break;
      }
    }
  }
  std::string out;
  if (type == "WordPiece") {
    std::string prefix = decoder_.value("prefix", "##");
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
  if (type == "ByteLevel") {
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
    for (size_t pos = 0; pos < out.size();) {
      try {
        size_t p = pos;
        char32_t c = next_codepoint(out, p);
        std::string one = out.substr(pos, p - pos);
        validate_utf8(one, "decoded");
        append_utf8(clean, c);
        pos = p;
      } catch (const Error&) {
        append_utf8(clean, 0xFFFD);
        ++pos;
      }
    }
    return clean;
  }
  if (type == "Metaspace") {
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
