// WordLevel: one id per whole piece, or the unknown token.
#include "core/error.h"
#include "tokenizers/model.h"

namespace osprey::tokenizers {
namespace {

class WordLevel : public Model {
 public:
  explicit WordLevel(const Json& j) {
    const Json* vocab = field(j, "vocab");
    if (!vocab) bad_json("WordLevel model", "missing 'vocab'");
    read_vocab_object(*vocab, "WordLevel model");
    unk_token_ = string_field(j, "unk_token", "WordLevel model", "<unk>");
    unk_id_ = vocab_.find(unk_token_);
  }
  void tokenize(const char32_t* piece, size_t n, std::vector<ModelToken>& out) const override {
    thread_local std::string utf8;
    piece_to_utf8(piece, n, utf8, nullptr);
    int32_t id = vocab_.find(utf8);
    if (id < 0) id = unk_id_;
    if (id < 0) {
      throw Error(ErrorCode::kInvalidArgument,
                  "WordLevel: the unknown token '" + unk_token_ + "' is not in the vocabulary");
    }
    out.push_back({id, 0, uint32_t(n)});
  }

 private:
  std::string unk_token_;
  int32_t unk_id_;
};

}  // namespace

std::unique_ptr<Model> make_word_level(const Json& j) {
  return std::make_unique<WordLevel>(j);
}

}  // namespace osprey::tokenizers
