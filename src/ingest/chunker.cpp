#include "ingest/chunker.h"

#include <algorithm>

#include "core/error.h"
#include "ingest/sentence_breaker.h"
#include "text/unicode.h"
#include "text/utf8.h"

namespace osprey {
namespace {

// The smallest pieces a passage is made of: sentences, code blocks, lines, or (inside an
// over-long sentence) runs of words.
struct Unit {
  uint32_t start, end;
  uint32_t tokens;
  uint32_t section;
  bool paragraph_start;  // a cut before this unit keeps paragraphs whole
};

bool is_space_cp(char32_t cp) {
  return cp < 0x80 ? (cp == ' ' || (cp >= '\t' && cp <= '\r')) : unicode::is_whitespace(cp);
}

class Chunker {
 public:
  Chunker(const ParsedDocument& doc, const TokenCounter& counter, const ChunkOptions& options)
      : doc_(doc),
        text_(doc.text()),
        counter_(counter),
        options_(options),
        budget_(options.budget(counter)) {}

  std::vector<Chunk> run() {
    for (const Block& block : doc_.blocks) add_block(block);
    std::vector<Chunk> chunks;
    for (size_t i = 0; i < units_.size();) {
      size_t section_end = i;
      while (section_end < units_.size() && units_[section_end].section == units_[i].section)
        ++section_end;
      pack(i, section_end, chunks);
      i = section_end;
    }
    return chunks;
  }

 private:
  uint32_t count(uint32_t start, uint32_t end) const {
    return uint32_t(counter_.count(text_.substr(start, end - start)));
  }

  // [start, end) without leading and trailing whitespace.
  bool trim(uint32_t& start, uint32_t& end) const {
    size_t pos = start;
    while (pos < end) {
      size_t next = pos;
      if (!is_space_cp(next_codepoint(text_, next))) break;
      pos = next;
    }
    start = uint32_t(pos);
    while (end > start) {
      size_t back = end - 1;
      while (back > start && (static_cast<unsigned char>(text_[back]) & 0xC0) == 0x80) --back;
      size_t next = back;
      if (!is_space_cp(next_codepoint(text_, next))) break;
      end = uint32_t(back);
    }
    return end > start;
  }

  void add_block(const Block& block) {
    uint32_t start = block.start, end = block.end;
    if (!trim(start, end)) return;
    bool first = true;
    auto add = [&](uint32_t s, uint32_t e) {
      if (!trim(s, e)) return;
      add_unit(s, e, block.section, first);
      first = false;
    };
    if (block.kind == BlockKind::kCode) {
      const uint32_t tokens = count(start, end);
      if (tokens <= budget_) {
        units_.push_back({start, end, tokens, block.section, true});
        return;
      }
    }
    if (block.kind == BlockKind::kCode || block.kind == BlockKind::kLines) {
      for (uint32_t pos = start; pos < end;) {
        size_t nl = text_.substr(0, end).find('\n', pos);  // not past the block
        uint32_t line_end = nl == std::string_view::npos ? end : uint32_t(nl);
        add(pos, line_end);
        pos = line_end + 1;
      }
      return;
    }
    sentence_breaks_.clear();
    sentence_starts(text_, start, end, sentence_breaks_);
    uint32_t s = start;
    for (uint32_t next : sentence_breaks_) {
      add(s, next);
      s = next;
    }
    add(s, end);
  }

  void add_unit(uint32_t start, uint32_t end, uint32_t section, bool paragraph_start) {
    const uint32_t tokens = count(start, end);
    if (tokens <= budget_) {
      units_.push_back({start, end, tokens, section, paragraph_start});
      return;
    }
    // Too long for one passage: runs of words, each as long as fits.
    std::vector<Unit> words;
    size_t pos = start;
    while (pos < end) {
      size_t word_start = pos;
      char32_t cp = next_codepoint(text_, pos);
      if (is_space_cp(cp)) continue;
      if (!unicode::is_cjk(cp)) {
        while (pos < end) {
          size_t next = pos;
          char32_t c = next_codepoint(text_, next);
          if (is_space_cp(c) || unicode::is_cjk(c)) break;
          pos = next;
        }
      }
      words.push_back({uint32_t(word_start), uint32_t(pos),
                       count(uint32_t(word_start), uint32_t(pos)), section, false});
    }
    bool first = paragraph_start;
    size_t i = 0;
    while (i < words.size()) {
      if (words[i].tokens > budget_) {
        split_word(words[i], first);
        first = false;
        ++i;
        continue;
      }
      size_t j = i;
      uint32_t sum = 0;
      while (j < words.size() && sum + words[j].tokens <= budget_) sum += words[j++].tokens;
      uint32_t tokens = count(words[i].start, words[j - 1].end);
      while (tokens > budget_ && j > i + 1) tokens = count(words[i].start, words[--j - 1].end);
      units_.push_back({words[i].start, words[j - 1].end, tokens, section, first});
      first = false;
      i = j;
    }
  }

  void split_word(const Unit& word, bool paragraph_start) {
    if (!options_.split_long_words) {
      std::string shown(text_.substr(word.start, std::min<uint32_t>(word.end - word.start, 40)));
      while (!shown.empty() && (static_cast<unsigned char>(shown.back()) & 0xC0) == 0x80)
        shown.pop_back();
      if (!shown.empty() && static_cast<unsigned char>(shown.back()) >= 0xC0) shown.pop_back();
      throw Error(ErrorCode::kInvalidArgument,
                  "the word '" + shown + (word.end - word.start > 40 ? "...'" : "'") + " is " +
                      std::to_string(word.tokens) + " tokens, more than the passage size of " +
                      std::to_string(budget_) +
                      " tokens: raise maxTokens, or set splitLongWords to cut such words");
    }
    // Each piece is the longest run of characters that fits, found by galloping then bisecting
    // over character boundaries (counting every prefix would be quadratic in the piece).
    std::vector<uint32_t> ends;  // ends[k]: where the word's first k + 1 remaining characters end
    bool first = paragraph_start;
    uint32_t pos = word.start;
    while (pos < word.end) {
      const uint32_t piece_start = pos;
      auto fits = [&](size_t k) { return count(piece_start, ends[k]) <= budget_; };
      // Character ends as far as needed, extended lazily (a piece is usually short).
      ends.clear();
      size_t scanned = piece_start;
      auto ensure = [&](size_t k) {
        while (ends.size() <= k && scanned < word.end) {
          next_codepoint(text_, scanned);
          ends.push_back(uint32_t(scanned));
        }
        return ends.size() > k;
      };
      ensure(0);
      size_t good = 0;  // one character always goes, even when it alone is over budget
      size_t step = 1;
      size_t bad = 0;  // 0: no known index that does not fit
      while (ensure(good + step)) {
        if (!fits(good + step)) {
          bad = good + step;
          break;
        }
        good += step;
        step *= 2;
      }
      if (bad == 0) {
        // Ran out of characters: the rest of the word fits, or the last probe was past its end.
        if (fits(ends.size() - 1)) {
          good = ends.size() - 1;
        } else {
          bad = ends.size() - 1;
        }
      }
      while (bad != 0 && bad - good > 1) {
        const size_t mid = good + (bad - good) / 2;
        (fits(mid) ? good : bad) = mid;
      }
      const uint32_t piece_end = ends[good];
      units_.push_back(
          {piece_start, piece_end, count(piece_start, piece_end), word.section, first});
      first = false;
      pos = piece_end;
    }
  }

  void pack(size_t begin, size_t end, std::vector<Chunk>& chunks) {
    size_t i = begin;
    while (i < end) {
      size_t j = i;
      uint32_t sum = 0;
      while (j < end && sum + units_[j].tokens <= budget_) sum += units_[j++].tokens;
      if (j == i) j = i + 1;  // a unit of its own (only a lone unit over budget: cannot happen)
      if (j < end) {
        // Prefer to end at a paragraph boundary when that keeps the passage at least half full.
        uint32_t prefix = sum;  // tokens of units [i, p)
        for (size_t p = j; p > i + 1; --p) {
          if (units_[p].paragraph_start && prefix * 2 >= budget_) {
            j = p;
            break;
          }
          prefix -= units_[p - 1].tokens;
        }
      }
      uint32_t tokens = count(units_[i].start, units_[j - 1].end);
      while (tokens > budget_ && j > i + 1) {  // the tokenizer is not additive: shrink
        --j;
        tokens = count(units_[i].start, units_[j - 1].end);
      }
      const uint32_t text_start = units_[i].start, text_end = units_[j - 1].end;
      chunks.push_back({units_[i].section, text_start, text_end, doc_.source_start(text_start),
                        doc_.source_end(text_end), tokens});
      if (j >= end) break;
      // Overlap: whole units from the end of this passage, leaving room for at least the next unit.
      size_t k = j;
      uint32_t repeated = 0;
      while (k - 1 > i && repeated + units_[k - 1].tokens <= options_.overlap &&
             repeated + units_[k - 1].tokens + units_[j].tokens <= budget_) {
        repeated += units_[--k].tokens;
      }
      i = k;
    }
  }

  const ParsedDocument& doc_;
  std::string_view text_;
  const TokenCounter& counter_;
  const ChunkOptions& options_;
  const uint32_t budget_;
  std::vector<Unit> units_;
  std::vector<uint32_t> sentence_breaks_;
};

}  // namespace

void ChunkOptions::validate() const {
  if (max_tokens == 0) throw Error(ErrorCode::kInvalidArgument, "maxTokens must be at least 1");
  if (max_tokens > 1000000)
    throw Error(ErrorCode::kInvalidArgument, "maxTokens must be at most 1000000");
  if (overlap >= max_tokens) {
    throw Error(ErrorCode::kInvalidArgument, "overlap (" + std::to_string(overlap) +
                                                 ") must be smaller than maxTokens (" +
                                                 std::to_string(max_tokens) + ")");
  }
}

size_t ChunkOptions::budget(const TokenCounter& counter) const {
  size_t budget = max_tokens;
  if (counter.max_length() > 0) {
    const size_t room = counter.max_length() > counter.special_tokens()
                            ? counter.max_length() - counter.special_tokens()
                            : 0;
    budget = std::min(budget, room);
  }
  if (budget == 0) {
    throw Error(ErrorCode::kInvalidArgument,
                "the tokenizer '" + counter.name() + "' leaves no room for text in a passage");
  }
  return budget;
}

std::vector<Chunk> chunk_document(const ParsedDocument& doc, const TokenCounter& counter,
                                  const ChunkOptions& options) {
  options.validate();
  return Chunker(doc, counter, options).run();
}

}  // namespace osprey
