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
    tokens_.push_back(std::move(token));
  }
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
        NormalizedText text;
        for (char32_t c : pattern) text.push(c, {0, 0});
        normalizer->normalize(text);
        pattern = text.chars;
      }
    }
    if (pattern.empty()) continue;
    char32_t first = pattern[0];
    m->first_filter[(first >> 6) & 15] |= uint64_t(1) << (first & 63);
    m->by_first[first].emplace_back(i, std::move(pattern));
  }
  for (Matcher* m : {&raw_, &normalized_}) {
    for (auto& [first, list] : m->by_first) {
      std::stable_sort(list.begin(), list.end(), [](const auto& a, const auto& b) {
        return a.second.size() > b.second.size();
      });
    }
  }
}

const AddedToken* AddedVocabulary::find(int32_t id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &tokens_[it->second];
}

int32_t AddedVocabulary::token_to_id(const std::string& content) const {
  for (const auto& t : tokens_) {
    if (t.content == content) return t.id;
  }
  return -1;
}

void AddedVocabulary::split(const NormalizedText& text, const Matcher& matcher, Pieces& out,
                            bool normalize_rest, const Normalizer* normalizer) const {
  auto emit_rest = [&](size_t b, size_t e) {
    if (b >= e) return;
    if (!normalize_rest) {
      out.add(text, b, e);
      return;
    }
    thread_local NormalizedText part;  // scratch (the recursive call below does not use it)
    part.chars.assign(text.chars, b, e - b);
    part.align.assign(text.align.begin() + b, text.align.begin() + e);
    if (normalizer) normalizer->normalize(part);
    if (normalized_.empty()) {
      out.add(part);
    } else {
      split(part, normalized_, out, false, nullptr);
    }
  };
  if (matcher.empty()) {
    emit_rest(0, text.size());
    return;
  }
  const size_t n = text.size();
  size_t start_offset = 0;  // end of the previous accepted token
  size_t i = 0;
  while (i < n) {
    if (!matcher.may_start(text.chars[i])) {
      ++i;
      continue;
    }
    auto it = matcher.by_first.find(text.chars[i]);
    const std::pair<size_t, std::u32string>* hit = nullptr;
    if (it != matcher.by_first.end()) {
      for (const auto& candidate : it->second) {
        const std::u32string& p = candidate.second;
        if (p.size() <= n - i && text.chars.compare(i, p.size(), p) == 0) {
          hit = &candidate;
          break;  // longest first
        }
      }
    }
    if (!hit) {
      ++i;
      continue;
    }
    const AddedToken& token = tokens_[hit->first];
    size_t start = i, stop = i + hit->second.size();
    i = stop;  // the search resumes after the match, accepted or not (as aho-corasick's find_iter)
    if (token.single_word) {
      bool start_ok = start == 0 || !is_word_char(text.chars[start - 1]);
      bool stop_ok = stop == n || !is_word_char(text.chars[stop]);
      if (!start_ok || !stop_ok) continue;
    }
    if (token.lstrip) {
      size_t s = start;
      while (s > 0 && unicode::is_whitespace(text.chars[s - 1])) --s;
      start = std::max(s, start_offset);
    }
    if (token.rstrip) {
      while (stop < n && unicode::is_whitespace(text.chars[stop])) ++stop;
      i = std::max(i, stop);
    }
    emit_rest(start_offset, start);
    out.add(text, start, stop, token.id);
    start_offset = stop;
  }
  emit_rest(start_offset, n);
}

void AddedVocabulary::extract_and_normalize(const NormalizedText& original,
                                            const Normalizer* normalizer, Pieces& out) const {
  out.clear();
  split(original, raw_, out, true, normalizer);
}

}  // namespace osprey::tokenizers
