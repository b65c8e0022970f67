#include "tokenizers/added_vocabulary.h"

#include <algorithm>

#include "text/text_properties.h"
#include "text/unicode.h"
#include "text/utf8.h"
#include "tokenizers/normalizers.h"

namespace osprey::tokenizers {
namespace {

std::u32string decode(const std::string& s) {
  std::u32string out;
  for (size_t pos = 0; pos < s.size();) out.push_back(next_codepoint(s, pos));
  return out;
}

bool is_word_char(char32_t c) {  // Rust char::is_alphanumeric, plus '_' as HF's \w check
  return unicode::is_alphabetic(c) || unicode::is_number(c) || c == '_';
}

}  // namespace

void AddedVocabulary::load(const Json& added_tokens) {
  if (added_tokens.is_null()) return;
  if (!added_tokens.is_array()) bad_json("added_tokens", "must be an array");
  for (const Json& t : added_tokens) {
    AddedToken token;
    token.content = string_field(t, "content", "added_tokens");
    validate_utf8(token.content, "added token");
    if (token.content.size() > kMaxPieceBytes) {
      throw Error(ErrorCode::kLimitExceeded,
                  "tokenizer.json: added_tokens: token of " + std::to_string(token.content.size()) +
                      " bytes is above the limit of " + std::to_string(kMaxPieceBytes) + " bytes");
    }
    const Json* id = field(t, "id");
    if (!id || !id->is_number_integer()) {
      bad_json("added_tokens", "token '" + token.content + "' has no valid 'id'");
    }
    token.id = id_value(*id, "the id of '" + token.content + "'", "added_tokens");
    token.special = bool_field(t, "special", "added_tokens", false);
    token.single_word = bool_field(t, "single_word", "added_tokens", false);
    token.lstrip = bool_field(t, "lstrip", "added_tokens", false);
    token.rstrip = bool_field(t, "rstrip", "added_tokens", false);
    token.normalized = bool_field(t, "normalized", "added_tokens", !token.special);
    if (token.content.empty()) continue;
    by_id_[token.id] = tokens_.size();
    by_content_.emplace(token.content, token.id);  // the first of equal contents wins
    tokens_.push_back(std::move(token));
  }
}

void AddedVocabulary::Matcher::insert(const std::u32string& pattern, int32_t index) {
  uint32_t node = 0;
  for (char32_t c : pattern) {
    auto [it, added] = children.emplace((uint64_t(node) << 21) | c, uint32_t(token.size()));
    if (added) token.push_back(-1);
    node = it->second;
  }
  if (token[node] < 0) token[node] = index;  // the first of equal tokens wins
  char32_t first = pattern[0];
  first_filter[(first >> 6) & 15] |= uint64_t(1) << (first & 63);
}

int32_t AddedVocabulary::Matcher::longest(const char32_t* t, size_t i, size_t n,
                                          size_t& length) const {
  int32_t best = -1;
  uint32_t node = 0;
  for (size_t k = i; k < n; ++k) {
    auto it = children.find((uint64_t(node) << 21) | t[k]);
    if (it == children.end()) break;
    node = it->second;
    if (token[node] >= 0) {
      best = token[node];
      length = k + 1 - i;
    }
  }
  return best;
}

void AddedVocabulary::prepare(const Normalizer* normalizer) {
  raw_ = Matcher{};
  normalized_ = Matcher{};
  for (size_t i = 0; i < tokens_.size(); ++i) {
    const AddedToken& t = tokens_[i];
    std::u32string pattern = decode(t.content);
    Matcher* m = &raw_;
    if (t.normalized) {
      m = &normalized_;
      if (normalizer) {
        NormalizedLimitScope limit(pattern.size());
        NormalizedText text;
        for (char32_t c : pattern) text.push(c, {0, 0});
        normalizer->normalize(text);
        pattern = text.chars;
      }
    }
    if (pattern.empty()) continue;
    m->insert(pattern, int32_t(i));
  }
}

const AddedToken* AddedVocabulary::find(int32_t id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &tokens_[it->second];
}

int32_t AddedVocabulary::token_to_id(const std::string& content) const {
  auto it = by_content_.find(content);
  return it == by_content_.end() ? -1 : it->second;
}

void AddedVocabulary::find_hits(const NormalizedText& text, size_t from, size_t to,
                                const Matcher& matcher, std::vector<Hit>& hits) const {
  hits.clear();
  if (matcher.empty()) return;
  size_t start_offset = from;  // end of the previous accepted token
  size_t i = from;
  while (i < to) {
    if (!matcher.may_start(text.chars[i])) {
      ++i;
      continue;
    }
    size_t length = 0;
    int32_t index = matcher.longest(text.chars.data(), i, to, length);
    if (index < 0) {
      ++i;
      continue;
    }
    const AddedToken& token = tokens_[index];
    size_t start = i, stop = i + length;
    i = stop;  // the search resumes after the match, accepted or not (as aho-corasick's find_iter)
    if (token.single_word) {
      bool start_ok = start == from || !is_word_char(text.chars[start - 1]);
      bool stop_ok = stop == to || !is_word_char(text.chars[stop]);
      if (!start_ok || !stop_ok) continue;
    }
    if (token.lstrip) {
      size_t s = start;
      while (s > from && unicode::is_whitespace(text.chars[s - 1])) --s;
      start = std::max(s, start_offset);
    }
    if (token.rstrip) {
      while (stop < to && unicode::is_whitespace(text.chars[stop])) ++stop;
      i = std::max(i, stop);
    }
    hits.push_back({start, stop, token.id});
    start_offset = stop;
  }
}

void AddedVocabulary::add_normalized(Pieces& out, size_t from, size_t to) const {
  thread_local std::vector<Hit> hits;
  find_hits(out.text, from, to, normalized_, hits);
  size_t last = from;
  for (const Hit& h : hits) {
    out.add(out.text, last, h.start);
    out.add(out.text, h.start, h.stop, h.id);
    last = h.stop;
  }
  out.add(out.text, last, to);
}

void AddedVocabulary::emit_rest(const NormalizedText& text, size_t b, size_t e,
                                const Normalizer* normalizer, Pieces& out) const {
  if (b >= e) return;
  thread_local NormalizedText part;
  part.chars.assign(text.chars, b, e - b);
  part.align.assign(text.align.begin() + b, text.align.begin() + e);
  if (normalizer) normalizer->normalize(part);
  consume_normalized_budget(part.size());  // the parts of one text share its limit
  size_t base = out.text.size();
  out.text.chars.append(part.chars);
  out.text.align.insert(out.text.align.end(), part.align.begin(), part.align.end());
  release_if_large(part);
  add_normalized(out, base, out.text.size());
}

void AddedVocabulary::extract_and_normalize(NormalizedText& original, const Normalizer* normalizer,
                                            Pieces& out) const {
  out.clear();
  NormalizedLimitScope limit(original.size());
  thread_local std::vector<Hit> hits;
  find_hits(original, 0, original.size(), raw_, hits);
  if (hits.empty()) {
    // The common case: the whole text is normalized in place, no copy.
    std::swap(out.text, original);
    if (normalizer) normalizer->normalize(out.text);
    add_normalized(out, 0, out.text.size());
    return;
  }
  size_t last = 0;
  for (const Hit& h : hits) {
    emit_rest(original, last, h.start, normalizer, out);
    out.add(original, h.start, h.stop, h.id);
    last = h.stop;
  }
  emit_rest(original, last, original.size(), normalizer, out);
  release_if_large(hits);
}

}  // namespace osprey::tokenizers
