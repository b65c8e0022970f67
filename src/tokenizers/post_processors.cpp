#include "tokenizers/post_processors.h"

#include <unordered_map>
#include <vector>

#include "text/unicode.h"
#include "text/utf8.h"

namespace osprey::tokenizers {

void default_merge(Encoding& a, Encoding* b, Encoding& out) {
  out = std::move(a);
  if (b) out.append(*b);
}

void PostProcessor::merge(Encoding& a, Encoding* b, bool, Encoding& out) const {
  default_merge(a, b, out);
}

namespace {

// A single sequence between special tokens, built in a's storage: a long text is not copied.
void wrap_single(Encoding& a, const Encoding& head, const Encoding& tail, int32_t type_id,
                 Encoding& out) {
  for (auto& t : a.type_ids) t = type_id;
  out = std::move(a);
  out.prepend(head);
  out.append(tail);
}

Encoding specials(std::initializer_list<int32_t> ids, int32_t type_id) {
  Encoding e;
  for (int32_t id : ids) e.push(id, type_id, {0, 0}, true);
  return e;
}

}  // namespace

namespace {

// ByteLevel's trim_offsets: offsets do not cover the leading/trailing spaces ('Ġ') of a token.
void trim_offsets(Encoding& e, const TokenString& token, bool add_prefix_space) {
  constexpr char32_t kSpaceChar = 0x120;  // 'Ġ', the byte-level form of ' '
  std::u32string chars;
  for (size_t i = 0; i < e.size(); ++i) {
    size_t leading = 0, trailing = 0;
    if (e.surface_spaces[i] != Encoding::kModelToken) {
      leading = e.surface_spaces[i] >> 8;
      trailing = e.surface_spaces[i] & 0xFF;
    } else {
      const std::string* s = token(e.ids[i]);
      if (!s || s->empty()) continue;
      chars.clear();
      for (size_t pos = 0; pos < s->size();) chars.push_back(next_codepoint(*s, pos));
      auto is_space = [&](char32_t c) { return c == kSpaceChar || unicode::is_whitespace(c); };
      while (leading < chars.size() && is_space(chars[leading])) ++leading;
      while (trailing < chars.size() && is_space(chars[chars.size() - 1 - trailing])) ++trailing;
    }
    auto& [start, end] = e.offsets[i];
    if (leading > 0) {
      bool is_first = i == 0 || start == 0;
      if (is_first && add_prefix_space && leading == 1) leading = 0;
      start = std::min<uint32_t>(start + uint32_t(leading), end);
    }
    if (trailing > 0 && end >= trailing) end = std::max<uint32_t>(end - uint32_t(trailing), start);
  }
}

class ByteLevelProcessor : public PostProcessor {
 public:
  explicit ByteLevelProcessor(const Json& j)
      : trim_(bool_field(j, "trim_offsets", "ByteLevel post-processor", true)),
        add_prefix_space_(bool_field(j, "add_prefix_space", "ByteLevel post-processor", true)) {}
  void adjust(Encoding& e, const TokenString& token) const override {
    if (trim_) trim_offsets(e, token, add_prefix_space_);
  }

 private:
  bool trim_, add_prefix_space_;
};

std::pair<std::string, int32_t> token_pair(const Json& j, const char* key,
                                           const std::string& where) {
  const Json* v = field(j, key);
  if (!v || !v->is_array() || v->size() != 2 || !(*v)[0].is_string() ||
      !(*v)[1].is_number_integer()) {
    bad_json(where, std::string("'") + key + "' must be [token, id]");
  }
  return {(*v)[0].get<std::string>(),
          id_value((*v)[1], std::string("the id of '") + key + "'", where)};
}

class BertProcessing : public PostProcessor {
 public:
  explicit BertProcessing(const Json& j)
      : cls_(token_pair(j, "cls", "BertProcessing").second),
        sep_(token_pair(j, "sep", "BertProcessing").second) {}
  size_t added_tokens(bool pair) const override { return pair ? 3 : 2; }
  void merge(Encoding& a, Encoding* b, bool add_special, Encoding& out) const override {
    if (!add_special) return default_merge(a, b, out);
    if (!b) return wrap_single(a, specials({cls_}, 0), specials({sep_}, 0), 0, out);
    out = Encoding{};
    out.reserve(a.size() + (b ? b->size() : 0) + added_tokens(b != nullptr));
    out.push(cls_, 0, {0, 0}, true);
    for (auto& t : a.type_ids) t = 0;
    out.append(a);
    out.push(sep_, 0, {0, 0}, true);
    if (b) {
      for (auto& t : b->type_ids) t = 1;
      out.append(*b);
      out.push(sep_, 1, {0, 0}, true);
    }
  }

 private:
  int32_t cls_, sep_;
};

class RobertaProcessing : public PostProcessor {
 public:
  explicit RobertaProcessing(const Json& j)
      : cls_(token_pair(j, "cls", "RobertaProcessing").second),
        sep_(token_pair(j, "sep", "RobertaProcessing").second),
        trim_(bool_field(j, "trim_offsets", "RobertaProcessing", true)),
        add_prefix_space_(bool_field(j, "add_prefix_space", "RobertaProcessing", true)) {}
  size_t added_tokens(bool pair) const override { return pair ? 4 : 2; }
  void adjust(Encoding& e, const TokenString& token) const override {
    if (trim_) trim_offsets(e, token, add_prefix_space_);
  }
  void merge(Encoding& a, Encoding* b, bool add_special, Encoding& out) const override {
    if (!add_special) return default_merge(a, b, out);
    if (!b) return wrap_single(a, specials({cls_}, 0), specials({sep_}, 0), 0, out);
    out = Encoding{};
    out.reserve(a.size() + (b ? b->size() : 0) + added_tokens(b != nullptr));
    out.push(cls_, 0, {0, 0}, true);
    for (auto& t : a.type_ids) t = 0;
    out.append(a);
    out.push(sep_, 0, {0, 0}, true);
    if (b) {
      out.push(sep_, 0, {0, 0}, true);
      for (auto& t : b->type_ids) t = 0;
      out.append(*b);
      out.push(sep_, 0, {0, 0}, true);
    }
  }

 private:
  int32_t cls_, sep_;
  bool trim_, add_prefix_space_;
};

class TemplateProcessing : public PostProcessor {
 public:
  TemplateProcessing(const Json& j, const std::function<int32_t(const std::string&)>& token_to_id) {
    const std::string where = "TemplateProcessing";
    if (const Json* specials = field(j, "special_tokens")) {
      if (!specials->is_object()) bad_json(where, "'special_tokens' must be an object");
      for (auto it = specials->begin(); it != specials->end(); ++it) {
        const Json* ids = field(it.value(), "ids");
        if (!ids || !ids->is_array())
          bad_json(where, "special token '" + it.key() + "' has no 'ids'");
        std::vector<int32_t> v;
        for (const Json& id : *ids) {
          if (!id.is_number_integer()) bad_json(where, "special token ids must be integers");
          v.push_back(id_value(id, "special token id of '" + it.key() + "'", where));
        }
        specials_[it.key()] = std::move(v);
      }
    }
    single_ = parse(j, "single", where, token_to_id);
    pair_ = parse(j, "pair", where, token_to_id);
    // Templates with sequence A exactly once (all real ones) merge in place.
    int count = 0;
    for (size_t k = 0; k < single_.size(); ++k) {
      if (single_[k].sequence == 0) ++count, single_sequence_ = int(k);
      if (single_[k].sequence == 1) count = 2;
    }
    if (count != 1) single_sequence_ = -1;
  }
  size_t added_tokens(bool pair) const override {
    size_t n = 0;
    for (const Item& item : pair ? pair_ : single_) n += item.ids.size();
    return n;
  }
  void merge(Encoding& a, Encoding* b, bool add_special, Encoding& out) const override {
    if (!add_special) return default_merge(a, b, out);
    if (!b && single_sequence_ >= 0) {
      Encoding head, tail;
      for (size_t k = 0; k < single_.size(); ++k) {
        if (int(k) == single_sequence_) continue;
        for (int32_t id : single_[k].ids)
          (int(k) < single_sequence_ ? head : tail).push(id, single_[k].type_id, {0, 0}, true);
      }
      return wrap_single(a, head, tail, single_[single_sequence_].type_id, out);
    }
    out = Encoding{};
    out.reserve(a.size() + (b ? b->size() : 0) + added_tokens(b != nullptr));
    for (const Item& item : b ? pair_ : single_) {
      if (item.sequence < 0) {
        for (int32_t id : item.ids) out.push(id, item.type_id, {0, 0}, true);
        continue;
      }
      Encoding* e = item.sequence == 0 ? &a : b;
      if (!e) continue;
      for (auto& t : e->type_ids) t = item.type_id;
      out.append(*e);
    }
  }

 private:
  struct Item {
    int sequence = -1;  // 0 = A, 1 = B, -1 = special token
    std::vector<int32_t> ids;
    int32_t type_id = 0;
  };

  std::vector<Item> parse(const Json& j, const char* key, const std::string& where,
                          const std::function<int32_t(const std::string&)>& token_to_id) {
    std::vector<Item> items;
    const Json* list = field(j, key);
    if (!list) return items;
    if (list->is_string()) bad_json(where, std::string("'") + key + "' must be a parsed template");
    if (!list->is_array()) bad_json(where, std::string("'") + key + "' must be an array");
    for (const Json& piece : *list) {
      Item item;
      if (const Json* seq = field(piece, "Sequence")) {
        std::string id = string_field(*seq, "id", where);
        if (id != "A" && id != "B") bad_json(where, "sequence id must be A or B");
        item.sequence = id == "A" ? 0 : 1;
        item.type_id = id_field(*seq, "type_id", where, 0);
      } else if (const Json* sp = field(piece, "SpecialToken")) {
        std::string id = string_field(*sp, "id", where);
        item.type_id = id_field(*sp, "type_id", where, 0);
        auto it = specials_.find(id);
        if (it != specials_.end()) {
          item.ids = it->second;
        } else {
          int32_t tid = token_to_id(id);
          if (tid < 0) bad_json(where, "special token '" + id + "' is unknown");
          item.ids = {tid};
        }
      } else {
        bad_json(where, "template items must be Sequence or SpecialToken");
      }
      items.push_back(std::move(item));
    }
    return items;
  }

  std::unordered_map<std::string, std::vector<int32_t>> specials_;
  std::vector<Item> single_, pair_;
  int single_sequence_ = -1;  // index of the one Sequence A item of `single_`, or -1
};

class SequenceProcessor : public PostProcessor {
 public:
  SequenceProcessor(const Json& j, const std::function<int32_t(const std::string&)>& token_to_id) {
    const Json* list = field(j, "processors");
    if (!list || !list->is_array()) bad_json("Sequence post-processor", "missing 'processors'");
    for (const Json& item : *list) {
      if (auto p = make_post_processor(item, token_to_id)) parts_.push_back(std::move(p));
    }
  }
  size_t added_tokens(bool pair) const override {
    size_t n = 0;
    for (const auto& p : parts_) n += p->added_tokens(pair);
    return n;
  }
  void adjust(Encoding& e, const TokenString& token) const override {
    for (const auto& p : parts_) p->adjust(e, token);
  }
  void merge(Encoding& a, Encoding* b, bool add_special, Encoding& out) const override {
    // The processor that adds tokens does the merge; offset adjustments ran before.
    for (auto it = parts_.rbegin(); it != parts_.rend(); ++it) {
      if ((*it)->added_tokens(b != nullptr) > 0 || (*it)->added_tokens(false) > 0) {
        return (*it)->merge(a, b, add_special, out);
      }
    }
    default_merge(a, b, out);
  }

 private:
  std::vector<std::unique_ptr<PostProcessor>> parts_;
};

}  // namespace

std::unique_ptr<PostProcessor> make_post_processor(
    const Json& j, const std::function<int32_t(const std::string&)>& token_to_id) {
  if (j.is_null()) return nullptr;
  if (!j.is_object()) bad_json("post_processor", "must be an object or null");
  std::string type = string_field(j, "type", "post_processor");
  if (type == "BertProcessing") return std::make_unique<BertProcessing>(j);
  if (type == "RobertaProcessing") return std::make_unique<RobertaProcessing>(j);
  if (type == "TemplateProcessing") return std::make_unique<TemplateProcessing>(j, token_to_id);
  if (type == "ByteLevel") return std::make_unique<ByteLevelProcessor>(j);
  if (type == "Sequence") return std::make_unique<SequenceProcessor>(j, token_to_id);
  unsupported("post-processor", type);
}

}  // namespace osprey::tokenizers
