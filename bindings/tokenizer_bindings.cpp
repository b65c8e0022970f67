// Embind surface of the tokenizers (src/tokenizers): a Tokenizer handle with encode, a packed batch
// path (texts arrive as one UTF-8 buffer written by JS, results leave as flat typed arrays that JS
// copies), decode and vocabulary lookups. web/src/tokenizer.js is the public JS class.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <cmath>
#include <memory>
#include <string_view>

#include "collection/tokenizer_fingerprint.h"
#include "errors.h"
#include "tokenizers/tokenizer.h"

namespace osprey::bindings {
namespace {

using emscripten::val;
using tokenizers::EncodeOptions;
using tokenizers::PaddingStrategy;
using tokenizers::TruncationStrategy;

EncodeOptions parse_options(const val& o, const EncodeOptions& defaults) {
  EncodeOptions options;  // no truncation, no padding unless asked
  (void)defaults;
  if (o.isUndefined() || o.isNull()) return options;
  if (!is_object(o)) type_error("options", "an object");
  options.add_special_tokens = get_bool(o, "addSpecialTokens", "options", true);
  double max_length = get_number(o, "maxLength", "options", 0);
  if (max_length < 0 || max_length != std::floor(max_length) || max_length > 1e8) {
    type_error("options.maxLength", "a whole number >= 0");
  }
  options.max_length = size_t(max_length);
  val truncation = o["truncation"];
  if (truncation.isFalse()) {
    options.max_length = 0;
  } else if (truncation.isString()) {
    std::string t = truncation.as<std::string>();
    if (t == "longest_first")
      options.truncation = TruncationStrategy::kLongestFirst;
    else if (t == "only_first")
      options.truncation = TruncationStrategy::kOnlyFirst;
    else if (t == "only_second")
      options.truncation = TruncationStrategy::kOnlySecond;
    else
      type_error("options.truncation", "'longest_first', 'only_first', 'only_second' or a boolean");
  } else if (!truncation.isUndefined() && !truncation.isNull() && !truncation.isTrue()) {
    type_error("options.truncation", "'longest_first', 'only_first', 'only_second' or a boolean");
  }
  std::string side = get_string(o, "truncationSide", "options", false);
  if (!side.empty() && side != "left" && side != "right")
    type_error("options.truncationSide", "'left' or 'right'");
  options.truncate_left = side == "left";
  val padding = o["padding"];
  if (padding.isTrue()) {
    options.padding = PaddingStrategy::kLongest;
  } else if (padding.isString()) {
    std::string p = padding.as<std::string>();
    if (p == "longest")
      options.padding = PaddingStrategy::kLongest;
    else if (p == "max_length")
      options.padding = PaddingStrategy::kMaxLength;
    else
      type_error("options.padding", "'longest', 'max_length' or a boolean");
  } else if (!padding.isUndefined() && !padding.isNull() && !padding.isFalse()) {
    type_error("options.padding", "'longest', 'max_length' or a boolean");
  }
  if (options.padding == PaddingStrategy::kMaxLength && options.max_length == 0) {
    type_error("options.maxLength", "set (> 0) with padding 'max_length'");
  }
  double multiple = get_number(o, "padToMultipleOf", "options", 0);
  if (multiple < 0 || multiple != std::floor(multiple) || multiple > 1e6) {
    type_error("options.padToMultipleOf", "a whole number >= 0");
  }
  options.pad_to_multiple_of = size_t(multiple);
  std::string pad_side = get_string(o, "paddingSide", "options", false);
  if (!pad_side.empty() && pad_side != "left" && pad_side != "right")
    type_error("options.paddingSide", "'left' or 'right'");
  options.pad_left = pad_side == "left";
  return options;
}

template <typename T>
val copy_out(const std::vector<T>& v) {
  // A copy: views into WASM memory die when memory grows.
  return val(emscripten::typed_memory_view(v.size(), v.data())).call<val>("slice");
}

// int64 tensors (what ONNX models take) as a BigInt64Array: Embind has no int64 memory view, so
// the bytes go out as an Int32Array copy that becomes a BigInt64Array over the same buffer.
val copy_out_int64(const std::vector<int32_t>& v) {
  std::vector<int64_t> wide(v.begin(), v.end());
  val words = val(emscripten::typed_memory_view(wide.size() * 2,
                                                reinterpret_cast<const int32_t*>(wide.data())))
                  .call<val>("slice");
  return val::global("BigInt64Array").new_(words["buffer"]);
}

class TokenizerHandle {
 public:
  static std::unique_ptr<TokenizerHandle> from_json(const val& json, const val& config) {
    return guarded([&] {
      if (!json.isString()) type_error("tokenizer.json", "a string");
      std::string text = checked_string(json, "tokenizer.json");
      std::string config_text;
      if (!config.isUndefined() && !config.isNull()) {
        if (!config.isString()) type_error("tokenizer_config.json", "a string");
        config_text = checked_string(config, "tokenizer_config.json");
      }
      auto handle = std::make_unique<TokenizerHandle>();
      handle->tokenizer_ = tokenizers::Tokenizer::from_json(text, config_text);
      handle->fingerprint_ = tokenizer_fingerprint(text, config_text);
      return handle;
    });
  }

  val encode(const val& text, const val& pair, const val& options) const {
    return guarded([&] {
      if (!text.isString()) type_error("text", "a string");
      std::string a = checked_string(text, "text");
      std::string b;
      bool has_pair = !pair.isUndefined() && !pair.isNull();
      if (has_pair) {
        if (!pair.isString()) type_error("pair", "a string, null or undefined");
        b = checked_string(pair, "pair");
      }
      std::string_view bv(b);
      auto e = tokenizer_->encode(a, has_pair ? &bv : nullptr,
                                  parse_options(options, tokenizer_->default_options()));
      std::vector<uint32_t> offsets;
      offsets.reserve(e.offsets.size() * 2);
      for (auto& [s, t] : e.offsets) {
        offsets.push_back(s);
        offsets.push_back(t);
      }
      val out = val::object();
      out.set("inputIds", copy_out(e.ids));
      out.set("attentionMask", copy_out(e.attention_mask));
      out.set("tokenTypeIds", copy_out(e.type_ids));
      out.set("specialTokensMask", copy_out(e.special_tokens_mask));
      out.set("offsets", copy_out(offsets));
      return out;
    });
  }

  // The packed batch path: JS writes `count` texts (and as many pairs) as UTF-8 into
  // inputBuffer(), their byte lengths into lengthsBuffer(), then calls encodePacked.
  val input_buffer(double bytes) {
    return guarded([&] {
      if (!(bytes >= 0) || bytes > double(tokenizers::Tokenizer::kMaxTextBytes) * 4) {
        throw Error(ErrorCode::kLimitExceeded,
                    "batch of " + std::to_string(size_t(bytes)) + " bytes is too large");
      }
      input_.resize(size_t(bytes));
      return val(emscripten::typed_memory_view(input_.size(), input_.data()));
    });
  }
  val lengths_buffer(double count) {
    return guarded([&] {
      if (!(count >= 0) || count > 1e7)
        throw Error(ErrorCode::kLimitExceeded, "too many texts in one batch");
      lengths_.resize(size_t(count));
      return val(emscripten::typed_memory_view(lengths_.size(), lengths_.data()));
    });
  }

  val encode_packed(double count, bool with_pairs, const val& options, bool int64) {
    return guarded([&] {
      size_t n = size_t(count);
      size_t needed = with_pairs ? 2 * n : n;
      if (!(count >= 0) || lengths_.size() < needed)
        type_error("count", "at most the lengths written");
      std::vector<std::string> texts(n), pairs;
      if (with_pairs) pairs.resize(n);
      size_t pos = 0;
      for (size_t i = 0; i < needed; ++i) {
        size_t len = lengths_[i];
        if (pos + len > input_.size()) type_error("lengths", "within the input buffer");
        std::string& dst = i < n ? texts[i] : pairs[i - n];
        dst.assign(reinterpret_cast<const char*>(input_.data()) + pos, len);
        pos += len;
      }
      auto batch = tokenizer_->encode_batch(texts, with_pairs ? &pairs : nullptr,
                                            parse_options(options, tokenizer_->default_options()));
      val out = val::object();
      out.set("rows", double(batch.rows));
      out.set("cols", double(batch.cols));
      if (int64) {
        out.set("inputIds", copy_out_int64(batch.input_ids));
        out.set("attentionMask", copy_out_int64(batch.attention_mask));
        out.set("tokenTypeIds", copy_out_int64(batch.token_type_ids));
      } else {
        out.set("inputIds", copy_out(batch.input_ids));
        out.set("attentionMask", copy_out(batch.attention_mask));
        out.set("tokenTypeIds", copy_out(batch.token_type_ids));
      }
      return out;
    });
  }

  std::string decode(const val& ids, bool skip_special_tokens) const {
    return guarded([&] {
      bool array_like = val::global("Array").call<bool>("isArray", ids) ||
                        val::global("ArrayBuffer").call<bool>("isView", ids);
      if (!array_like) type_error("ids", "an array of token ids");
      std::vector<double> raw = emscripten::convertJSArrayToNumberVector<double>(ids);
      std::vector<int32_t> v;
      v.reserve(raw.size());
      for (double d : raw) {
        if (!(d >= 0) || d != std::floor(d) || d > 2e9) type_error("ids", "whole numbers >= 0");
        v.push_back(int32_t(d));
      }
      return tokenizer_->decode(v, skip_special_tokens);
    });
  }

  val token_to_id(const val& token) const {
    return guarded([&] {
      if (!token.isString()) type_error("token", "a string");
      int32_t id = tokenizer_->token_to_id(checked_string(token, "token"));
      return id < 0 ? val::undefined() : val(id);
    });
  }
  val id_to_token(double id) const {
    const std::string* s = id >= 0 && id < 2e9 ? tokenizer_->id_to_token(int32_t(id)) : nullptr;
    return s ? val(*s) : val::undefined();
  }
  double vocab_size() const { return double(tokenizer_->vocab_size()); }
  double model_max_length() const { return double(tokenizer_->model_max_length()); }
  double pad_id() const { return double(tokenizer_->pad_id()); }
  // What a collection built with this tokenizer records (src/collection/tokenizer_fingerprint.h).
  std::string fingerprint() const { return fingerprint_; }

 private:
  std::unique_ptr<tokenizers::Tokenizer> tokenizer_;
  std::string fingerprint_;
  std::vector<uint8_t> input_;
  std::vector<uint32_t> lengths_;
};

}  // namespace

EMSCRIPTEN_BINDINGS(osprey_tokenizers) {
  emscripten::class_<TokenizerHandle>("TokenizerHandle")
      .class_function("fromJson", &TokenizerHandle::from_json)
      .function("encode", &TokenizerHandle::encode)
      .function("inputBuffer", &TokenizerHandle::input_buffer)
      .function("lengthsBuffer", &TokenizerHandle::lengths_buffer)
      .function("encodePacked", &TokenizerHandle::encode_packed)
      .function("decode", &TokenizerHandle::decode)
      .function("tokenToId", &TokenizerHandle::token_to_id)
      .function("idToToken", &TokenizerHandle::id_to_token)
      .function("vocabSize", &TokenizerHandle::vocab_size)
      .function("modelMaxLength", &TokenizerHandle::model_max_length)
      .function("padId", &TokenizerHandle::pad_id)
      .function("fingerprint", &TokenizerHandle::fingerprint);
}

}  // namespace osprey::bindings
