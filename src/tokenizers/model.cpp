#include "tokenizers/model.h"

#include <algorithm>

#include "core/error.h"
#include "text/utf8.h"

namespace osprey::tokenizers {

void Model::add_vocab(const std::string& token, int32_t id, const std::string& where,
                      size_t max_bytes) {
  if (id < 0) bad_json(where, "token id out of range for '" + token + "'");
  if (token.size() > max_bytes) {
    throw Error(ErrorCode::kLimitExceeded, "tokenizer.json: " + where + ": vocabulary entry of " +
                                               std::to_string(token.size()) + " bytes (id " +
                                               std::to_string(id) + ") is above the limit of " +
                                               std::to_string(max_bytes) + " bytes");
  }
  validate_utf8(token, where + " vocabulary entry");
  vocab_.insert(token, id);
  if (size_t(id) >= tokens_.size()) tokens_.resize(size_t(id) + 1);
  tokens_[id] = token;
}

void Model::read_vocab_object(const Json& vocab, const std::string& where, size_t max_bytes) {
  if (!vocab.is_object()) bad_json(where, "'vocab' must be an object of token -> id");
  // Ids index a dense table: they must stay proportional to the number of entries.
  const int64_t max_id =
      std::min<int64_t>(kMaxTokenId, 2 * int64_t(vocab.size()) + kVocabIdSlack - 1);
  const std::string limit = std::to_string(max_id) + " (ids stay below 2 x " +
                            std::to_string(vocab.size()) + " entries + " +
                            std::to_string(kVocabIdSlack) + ", and at most " +
                            std::to_string(kMaxTokenId) + ")";
  tokens_.reserve(vocab.size());
  for (auto it = vocab.begin(); it != vocab.end(); ++it) {
    if (!it.value().is_number_integer())
      bad_json(where, "vocab id of '" + it.key() + "' is not an integer");
    int64_t id =
        integer_value(it.value(), "vocab id of '" + it.key() + "'", where, 0, max_id, limit);
    add_vocab(it.key(), int32_t(id), where, max_bytes);
  }
}

void piece_to_utf8(const char32_t* piece, size_t n, std::string& out,
                   std::vector<uint32_t>* char_starts) {
  out.clear();
  if (char_starts) char_starts->clear();
  for (size_t i = 0; i < n; ++i) {
    if (char_starts) char_starts->push_back(uint32_t(out.size()));
    append_utf8(out, piece[i]);
  }
  if (char_starts) char_starts->push_back(uint32_t(out.size()));
}

std::unique_ptr<Model> make_model(const Json& j) {
  if (!j.is_object()) bad_json("model", "missing object 'model'");
  std::string type;
  if (const Json* t = field(j, "type")) {
    if (!t->is_string()) bad_json("model", "'type' must be a string");
    type = t->get<std::string>();
  } else {
    // Older files have no model.type: infer it from the fields.
    const Json* vocab = field(j, "vocab");
    if (field(j, "merges"))
      type = "BPE";
    else if (vocab && vocab->is_array())
      type = "Unigram";
    else if (field(j, "continuing_subword_prefix") || field(j, "max_input_chars_per_word"))
      type = "WordPiece";
    else if (vocab && vocab->is_object())
      type = "WordLevel";
    else
      bad_json("model", "cannot infer the model type (no 'type', 'vocab' or 'merges')");
  }
  if (type == "WordPiece") return make_wordpiece(j);
  if (type == "BPE") return make_bpe(j);
  if (type == "Unigram") return make_unigram(j);
  if (type == "WordLevel") return make_word_level(j);
  unsupported("model", type);
}

}  // namespace osprey::tokenizers
