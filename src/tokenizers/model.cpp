#include "tokenizers/model.h"

#include "text/utf8.h"

namespace osprey::tokenizers {

void Model::add_vocab(const std::string& token, int32_t id, const std::string& where) {
  if (id < 0 || id > 50'000'000) bad_json(where, "token id out of range for '" + token + "'");
  validate_utf8(token, where + " vocabulary entry");
  vocab_.insert(token, id);
  if (size_t(id) >= tokens_.size()) tokens_.resize(size_t(id) + 1);
  tokens_[id] = token;
}

void Model::read_vocab_object(const Json& vocab, const std::string& where) {
  if (!vocab.is_object()) bad_json(where, "'vocab' must be an object of token -> id");
  for (auto it = vocab.begin(); it != vocab.end(); ++it) {
    if (!it.value().is_number_integer())
      bad_json(where, "vocab id of '" + it.key() + "' is not an integer");
    add_vocab(it.key(), it.value().get<int32_t>(), where);
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
