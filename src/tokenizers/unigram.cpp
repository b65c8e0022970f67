// Unigram (SentencePiece: T5, XLM-R, ...): Viterbi over all vocabulary pieces of the piece's UTF-8;
// a character no piece covers costs (min score - 10) as the unknown token; consecutive unknowns are
// fused; optional byte fallback. Same search order and tie-breaking as HF's `encode_optimized`.
// The lattice is bounded: a piece is segmented in windows of kUnigramWindowBytes.
#include <algorithm>
#include <cstdio>
#include <limits>
#include <unordered_map>

#include "core/error.h"
#include "tokenizers/model.h"
#include "tokenizers/piece_trie.h"

namespace osprey::tokenizers {
namespace {

class Unigram : public Model {
 public:
  explicit Unigram(const Json& j) {
    const std::string where = "Unigram model";
    const Json* vocab = field(j, "vocab");
    if (!vocab || !vocab->is_array()) bad_json(where, "'vocab' must be an array of [piece, score]");
    scores_.reserve(vocab->size());
    std::vector<std::pair<std::string, int32_t>> entries;
    int32_t id = 0;
    for (const Json& entry : *vocab) {
      if (!entry.is_array() || entry.size() != 2 || !entry[0].is_string() ||
          !entry[1].is_number()) {
        bad_json(where, "every vocab entry must be [piece, score]");
      }
      std::string piece = entry[0].get<std::string>();
      double score = entry[1].get<double>();
      if (id > kMaxTokenId) {
        throw Error(ErrorCode::kLimitExceeded, "tokenizer.json: Unigram model: more than " +
                                                   std::to_string(kMaxTokenId + 1) +
                                                   " vocab entries (the token id limit)");
      }
      add_vocab(piece, id, where, kMaxPieceBytes);
      scores_.push_back(score);
      if (score < min_score_) min_score_ = score;
      entries.emplace_back(std::move(piece), id);
      ++id;
    }
    build_trie(entries);
    unk_id_ = id_field(j, "unk_id", where, -1);
    if (unk_id_ >= id) bad_json(where, "'unk_id' is outside the vocabulary");
    byte_fallback_ = bool_field(j, "byte_fallback", where, false);
  }

  void tokenize(const char32_t* piece, size_t n, std::vector<ModelToken>& out) const override {
    // Pieces beyond kUnigramWindowBytes are segmented window by window (see limits.h).
    size_t first = out.size();
    for (size_t begin = 0, end; begin < n; begin = end) {
      size_t bytes = 0;
      for (end = begin; end < n; ++end) {
        size_t len = piece[end] < 0x80 ? 1 : piece[end] < 0x800 ? 2 : piece[end] < 0x10000 ? 3 : 4;
        if (bytes + len > kUnigramWindowBytes && end > begin) break;
        bytes += len;
      }
      viterbi(piece + begin, end - begin, uint32_t(begin), first, out);
    }
  }

 private:
  // The best segmentation of piece[0, n), appended to `out` with offsets shifted by `shift`; an
  // unknown token right after an unknown one of the same piece (from `first` on) is fused with it.
  void viterbi(const char32_t* piece, size_t n, uint32_t shift, size_t first,
               std::vector<ModelToken>& out) const {
    thread_local std::string s;
    thread_local std::vector<uint32_t> starts;
    piece_to_utf8(piece, n, s, &starts);
    size_t size = s.size();
    struct BestPath {
      int32_t id;
      uint32_t starts_at;  // UINT32_MAX: unreached
      double score;
    };
    thread_local std::vector<BestPath> best;
    best.assign(size + 1, BestPath{-1, UINT32_MAX, 0.0});
    const double unk_score = min_score_ - 10.0;
    for (size_t ci = 0; ci < n; ++ci) {
      size_t at = starts[ci];
      size_t char_len = starts[ci + 1] - at;
      double here = best[at].score;
      bool has_single = false;
      trie_.prefixes(std::string_view(s).substr(at), [&](size_t len, int32_t id) {
        BestPath& target = best[at + len];
        double candidate = here + scores_[id];
        if (target.starts_at == UINT32_MAX || candidate > target.score)
          target = {id, uint32_t(at), candidate};
        if (len == char_len) has_single = true;
      });
      if (!has_single) {
        if (unk_id_ < 0) {
          throw Error(ErrorCode::kInvalidArgument,
                      "Unigram: text needs an unknown token but the model has no unk_id");
        }
        BestPath& target = best[at + char_len];
        double candidate = here + unk_score;
        if (target.starts_at == UINT32_MAX || candidate > target.score)
          target = {unk_id_, uint32_t(at), candidate};
      }
    }
    // Backtrack; fuse consecutive unknowns.
    thread_local std::vector<ModelToken> reversed;
    reversed.clear();
    size_t end = size;
    while (end > 0) {
      const BestPath& node = best[end];
      size_t begin = node.starts_at;
      if (node.id == unk_id_ && !reversed.empty() && reversed.back().id == unk_id_ &&
          reversed.back().begin == end) {
        reversed.back().begin = uint32_t(begin);
      } else {
        reversed.push_back({node.id, uint32_t(begin), uint32_t(end)});
      }
      end = begin;
    }
    // Byte offsets -> code point offsets.
    auto to_char = [&](uint32_t byte) {
      return uint32_t(std::lower_bound(starts.begin(), starts.end(), byte) - starts.begin());
    };
    for (size_t i = reversed.size(); i-- > 0;) {
      ModelToken t = reversed[i];
      if (t.id == unk_id_ && byte_fallback_ && emit_bytes(s, t, to_char, shift, out)) continue;
      ModelToken token{t.id, shift + to_char(t.begin), shift + to_char(t.end)};
      if (t.id == unk_id_ && out.size() > first && out.back().id == unk_id_ &&
          out.back().end == token.begin) {
        out.back().end = token.end;  // an unknown run across a window cut
        continue;
      }
      out.push_back(token);
    }
  }

  template <typename ToChar>
  bool emit_bytes(const std::string& s, const ModelToken& t, ToChar to_char, uint32_t shift,
                  std::vector<ModelToken>& out) const {
    std::vector<int32_t> ids;
    for (uint32_t b = t.begin; b < t.end; ++b) {
      char name[8];
      std::snprintf(name, sizeof name, "<0x%02X>", static_cast<unsigned char>(s[b]));
      int32_t id = vocab_.find(name);
      if (id < 0) return false;
      ids.push_back(id);
    }
    uint32_t cb = shift + to_char(t.begin), ce = shift + to_char(t.end);
    for (int32_t id : ids) out.push_back({id, cb, ce});
    return true;
  }

  void build_trie(const std::vector<std::pair<std::string, int32_t>>& entries) {
    for (const auto& [piece, id] : entries) trie_.insert(piece, id);
    trie_.finish();
  }

  std::vector<double> scores_;
  double min_score_ = std::numeric_limits<double>::infinity();
  int32_t unk_id_ = -1;
  bool byte_fallback_ = false;
  PieceTrie trie_;
};

}  // namespace

std::unique_ptr<Model> make_unigram(const Json& j) {
  return std::make_unique<Unigram>(j);
}

}  // namespace osprey::tokenizers
