// WordPiece (BERT): greedy longest-match-first over the vocabulary; a word with any unmatched rest
// becomes the unknown token.
#include "core/error.h"
#include "tokenizers/model.h"
#include "tokenizers/piece_trie.h"

namespace osprey::tokenizers {
namespace {

class WordPiece : public Model {
 public:
  explicit WordPiece(const Json& j) {
    const Json* vocab = field(j, "vocab");
    if (!vocab) bad_json("WordPiece model", "missing 'vocab'");
    read_vocab_object(*vocab, "WordPiece model", kMaxPieceBytes);
    unk_token_ = string_field(j, "unk_token", "WordPiece model", "[UNK]");
    prefix_ = string_field(j, "continuing_subword_prefix", "WordPiece model", "##");
    max_chars_ = size_t(integer_field(j, "max_input_chars_per_word", "WordPiece model", 100, 0,
                                      kMaxWordPieceChars));
    unk_id_ = vocab_.find(unk_token_);
    // Continuation pieces are looked up without their prefix: no string building per attempt.
    for (size_t id = 0; id < tokens_.size(); ++id) {
      const std::string& t = tokens_[id];
      if (!prefix_.empty() && t.size() > prefix_.size() &&
          t.compare(0, prefix_.size(), prefix_) == 0) {
        continuation_.insert(std::string_view(t).substr(prefix_.size()), int32_t(id));
      }
    }
    if (prefix_.empty()) continuation_ = vocab_;
    for (size_t id = 0; id < tokens_.size(); ++id) {
      const std::string& t = tokens_[id];
      if (t.empty()) continue;
      if (vocab_.find(t) == int32_t(id)) start_trie_.insert(t, int32_t(id));
      std::string_view rest(t);
      if (prefix_.empty()) {
        continuation_trie_.insert(rest, int32_t(id));
      } else if (rest.size() > prefix_.size() && rest.compare(0, prefix_.size(), prefix_) == 0) {
        rest.remove_prefix(prefix_.size());
        if (continuation_.find(rest) == int32_t(id)) continuation_trie_.insert(rest, int32_t(id));
      }
    }
    start_trie_.finish();
    continuation_trie_.finish();
  }

  void tokenize(const char32_t* piece, size_t n, std::vector<ModelToken>& out) const override {
    if (n > max_chars_) return unknown(n, out);
    thread_local std::string utf8;
    thread_local std::vector<uint32_t> starts;
    piece_to_utf8(piece, n, utf8, &starts);
    size_t first = out.size();
    std::string_view s(utf8);
    // Most words are vocabulary entries: one hash lookup before any trie walk.
    if (int32_t whole = vocab_.find(s); whole >= 0) {
      out.push_back({whole, 0, uint32_t(n)});
      return;
    }
    size_t start = 0;  // in code points
    while (start < n) {
      // Longest vocabulary piece at `start`: one trie walk instead of a lookup per length.
      const PieceTrie& trie = start == 0 ? start_trie_ : continuation_trie_;
      size_t best_len = 0;
      int32_t id = -1;
      trie.prefixes(s.substr(starts[start]), [&](size_t len, int32_t piece) {
        best_len = len;
        id = piece;
      });
      if (id < 0) {
        out.resize(first);
        return unknown(n, out);
      }
      size_t end_byte = starts[start] + best_len;
      size_t end =
          size_t(std::lower_bound(starts.begin() + start, starts.end(), uint32_t(end_byte)) -
                 starts.begin());
      out.push_back({id, uint32_t(start), uint32_t(end)});
      start = end;
    }
  }

 private:
  void unknown(size_t n, std::vector<ModelToken>& out) const {
    if (unk_id_ < 0) {
      throw Error(ErrorCode::kInvalidArgument,
                  "WordPiece: the unknown token '" + unk_token_ + "' is not in the vocabulary");
    }
    out.push_back({unk_id_, 0, uint32_t(n)});
  }

  std::string unk_token_, prefix_;
  size_t max_chars_;
  int32_t unk_id_;
  StringIdMap continuation_;
  PieceTrie start_trie_, continuation_trie_;
};

}  // namespace

std::unique_ptr<Model> make_wordpiece(const Json& j) {
  return std::make_unique<WordPiece>(j);
}

}  // namespace osprey::tokenizers
