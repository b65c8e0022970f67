// Models (third pipeline stage): turn one pre-tokenized piece into token ids. WordPiece, BPE
// (byte-level or not), Unigram (SentencePiece) and WordLevel.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tokenizers/json_fields.h"
#include "tokenizers/string_id_map.h"

namespace osprey::tokenizers {

struct ModelToken {
  int32_t id;
  uint32_t begin, end;  // code points within the piece
};

class Model {
 public:
  virtual ~Model() = default;
  // Appends the tokens of piece[0..n) (n > 0) to `out`.
  virtual void tokenize(const char32_t* piece, size_t n, std::vector<ModelToken>& out) const = 0;

  int32_t token_to_id(std::string_view token) const { return vocab_.find(token); }
  // nullptr for an id outside the vocabulary.
  const std::string* id_to_token(int32_t id) const {
    return id >= 0 && size_t(id) < tokens_.size() && !tokens_[id].empty() ? &tokens_[id] : nullptr;
  }
  size_t vocab_size() const { return tokens_.size(); }

 protected:
  // Refuses an entry longer than `max_bytes` (kMaxPieceBytes for the models that walk a trie of
  // their vocabulary from every text position).
  void add_vocab(const std::string& token, int32_t id, const std::string& where,
                 size_t max_bytes = SIZE_MAX);
  // Reads a {"token": id, ...} object (ids within kMaxTokenId and 2 * entries + kVocabIdSlack).
  void read_vocab_object(const Json& vocab, const std::string& where, size_t max_bytes = SIZE_MAX);

  StringIdMap vocab_;
  std::vector<std::string> tokens_;
};

// From tokenizer.json's "model"; infers the type when `type` is missing (older files).
std::unique_ptr<Model> make_model(const Json& j);

std::unique_ptr<Model> make_wordpiece(const Json& j);
std::unique_ptr<Model> make_bpe(const Json& j);
std::unique_ptr<Model> make_unigram(const Json& j);
std::unique_ptr<Model> make_word_level(const Json& j);

// UTF-8 of piece[0..n); `char_starts` (optional) gets the byte offset of every code point and n+1th
// the total length.
void piece_to_utf8(const char32_t* piece, size_t n, std::string& out,
                   std::vector<uint32_t>* char_starts);

}  // namespace osprey::tokenizers
