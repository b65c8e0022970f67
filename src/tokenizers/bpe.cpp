// BPE (GPT-2, RoBERTa and friends): start from characters, apply the merge of lowest rank until
// none applies (ties: leftmost first), as Hugging Face's `Word::merge_all` does.
#include <cstdio>
#include <queue>
#include <unordered_map>

#include "core/error.h"
#include "text/utf8.h"
#include "tokenizers/model.h"
#include "tokenizers/normalized_text.h"

namespace osprey::tokenizers {
namespace {

class Bpe : public Model {
 public:
  explicit Bpe(const Json& j) {
    const std::string where = "BPE model";
    const Json* vocab = field(j, "vocab");
    if (!vocab) bad_json(where, "missing 'vocab'");
    read_vocab_object(*vocab, where);
    if (const Json* unk = field(j, "unk_token")) {
      if (!unk->is_string()) bad_json(where, "'unk_token' must be a string");
      unk_token_ = unk->get<std::string>();
    }
    prefix_ = string_field(j, "continuing_subword_prefix", where, "");
    suffix_ = string_field(j, "end_of_word_suffix", where, "");
    fuse_unk_ = bool_field(j, "fuse_unk", where, false);
    byte_fallback_ = bool_field(j, "byte_fallback", where, false);
    ignore_merges_ = bool_field(j, "ignore_merges", where, false);
    if (const Json* d = field(j, "dropout"); d && d->is_number() && d->get<double>() > 0) {
      unsupported("BPE option", "dropout");
    }
    const Json* merges = field(j, "merges");
    if (!merges || !merges->is_array()) bad_json(where, "missing array 'merges'");
    int32_t rank = 0;
    for (const Json& m : *merges) {
      std::string a, b;
      if (m.is_string()) {
        const std::string& s = m.get_ref<const std::string&>();
        size_t space = s.find(' ');
        if (space == std::string::npos || s.find(' ', space + 1) != std::string::npos) {
          bad_json(where, "merge '" + s + "' is not two tokens separated by a space");
        }
        a = s.substr(0, space);
        b = s.substr(space + 1);
      } else if (m.is_array() && m.size() == 2 && m[0].is_string() && m[1].is_string()) {
        a = m[0].get<std::string>();
        b = m[1].get<std::string>();
      } else {
        bad_json(where, "a merge must be \"a b\" or [\"a\", \"b\"]");
      }
      int32_t ia = vocab_.find(a), ib = vocab_.find(b);
      std::string merged = a + b.substr(std::min(prefix_.size(), b.size()));
      int32_t im = vocab_.find(merged);
      if (ia < 0 || ib < 0 || im < 0) {
        bad_json(where, "merge '" + a + " " + b + "' uses a token missing from the vocabulary");
      }
      merges_.emplace(pair_key(ia, ib), std::make_pair(rank++, im));
    }
    unk_id_ = unk_token_.empty() ? -1 : vocab_.find(unk_token_);
  }

  void tokenize(const char32_t* piece, size_t n, std::vector<ModelToken>& out) const override {
    bool cacheable = n <= kMaxCachedLength;
    if (cacheable) {
      cache_key_.assign(piece, n);
      auto it = cache_.find(cache_key_);
      if (it != cache_.end()) {
        out.insert(out.end(), it->second.begin(), it->second.end());
        return;
      }
    }
    size_t first = out.size();
    encode(piece, n, out);
    if (cacheable) {
      if (cache_.size() >= kCacheCapacity) cache_.clear();
      cache_.emplace(cache_key_, std::vector<ModelToken>(out.begin() + first, out.end()));
    }
  }

 private:
  static constexpr size_t kMaxCachedLength = 48;
  static constexpr size_t kCacheCapacity = 20000;

  static uint64_t pair_key(int32_t a, int32_t b) {
    return (uint64_t(uint32_t(a)) << 32) | uint32_t(b);
  }

  struct Symbol {
    int32_t id;
    int32_t prev, next;
    uint32_t begin, end;
    bool alive;
  };
  struct Candidate {
    int32_t rank;
    int32_t pos;
    int32_t new_id;
    bool operator>(const Candidate& o) const {
      return rank != o.rank ? rank > o.rank : pos > o.pos;
    }
  };

  void encode(const char32_t* piece, size_t n, std::vector<ModelToken>& out) const {
    thread_local std::string s;
    if (ignore_merges_) {
      piece_to_utf8(piece, n, s, nullptr);
      int32_t id = vocab_.find(s);
      if (id >= 0) {
        out.push_back({id, 0, uint32_t(n)});
        return;
      }
    }
    thread_local std::vector<Symbol> symbols;
    symbols.clear();
    for (size_t i = 0; i < n; ++i) {
      s.clear();
      if (i > 0) s += prefix_;
      append_utf8(s, piece[i]);
      if (i + 1 == n) s += suffix_;
      int32_t id = vocab_.find(s);
      if (id < 0 && byte_fallback_ && push_bytes(piece[i], uint32_t(i), symbols)) continue;
      if (id < 0) {
        if (unk_id_ < 0) continue;  // no unknown token: the character is dropped (as HF does)
        if (fuse_unk_ && !symbols.empty() && symbols.back().id == unk_id_) {
          symbols.back().end = uint32_t(i + 1);
          continue;
        }
        id = unk_id_;
      }
      push(symbols, id, uint32_t(i), uint32_t(i + 1));
    }
    merge(symbols);
    for (const Symbol& sym : symbols) {
      if (sym.alive) out.push_back({sym.id, sym.begin, sym.end});
    }
    release_if_large(symbols);
  }

  static void push(std::vector<Symbol>& symbols, int32_t id, uint32_t b, uint32_t e) {
    int32_t index = int32_t(symbols.size());
    symbols.push_back({id, index - 1, -1, b, e, true});
    if (index > 0) symbols[index - 1].next = index;
  }

  bool push_bytes(char32_t c, uint32_t i, std::vector<Symbol>& symbols) const {
    std::string utf8;
    append_utf8(utf8, c);
    int32_t ids[4];
    for (size_t k = 0; k < utf8.size(); ++k) {
      char name[8];
      std::snprintf(name, sizeof name, "<0x%02X>", static_cast<unsigned char>(utf8[k]));
      ids[k] = vocab_.find(name);
      if (ids[k] < 0) return false;
    }
    for (size_t k = 0; k < utf8.size(); ++k) push(symbols, ids[k], i, i + 1);
    return true;
  }

  void merge(std::vector<Symbol>& symbols) const {
    if (symbols.size() < 2) return;
    thread_local std::vector<Candidate> heap_storage;
    heap_storage.clear();
    std::priority_queue<Candidate, std::vector<Candidate>, std::greater<Candidate>> queue(
        std::greater<Candidate>(), std::move(heap_storage));
    auto consider = [&](int32_t pos) {
      int32_t next = symbols[pos].next;
      if (next < 0) return;
      auto it = merges_.find(pair_key(symbols[pos].id, symbols[next].id));
      if (it != merges_.end()) queue.push({it->second.first, pos, it->second.second});
    };
    for (int32_t i = 0; i + 1 < int32_t(symbols.size()); ++i) consider(i);
    while (!queue.empty()) {
      Candidate top = queue.top();
      queue.pop();
      Symbol& left = symbols[top.pos];
      if (!left.alive || left.next < 0) continue;
      Symbol& right = symbols[left.next];
      auto it = merges_.find(pair_key(left.id, right.id));
      if (it == merges_.end() || it->second.second != top.new_id) continue;  // stale entry
      left.id = top.new_id;
      left.end = right.end;
      right.alive = false;
      left.next = right.next;
      if (right.next >= 0) symbols[right.next].prev = top.pos;
      if (left.prev >= 0) consider(left.prev);
      consider(top.pos);
    }
  }

  std::string unk_token_, prefix_, suffix_;
  bool fuse_unk_ = false, byte_fallback_ = false, ignore_merges_ = false;
  int32_t unk_id_ = -1;
  std::unordered_map<uint64_t, std::pair<int32_t, int32_t>> merges_;  // pair -> (rank, merged id)
  // Word cache: byte-level text repeats the same words constantly. Not thread-safe; a Tokenizer
  // is used from one thread (WASM) at a time.
  mutable std::unordered_map<std::u32string, std::vector<ModelToken>> cache_;
  mutable std::u32string cache_key_;
};

}  // namespace

std::unique_ptr<Model> make_bpe(const Json& j) {
  return std::make_unique<Bpe>(j);
}

}  // namespace osprey::tokenizers
