// The text that flows through a tokenizer pipeline: code points, each aligned to the range of
// original code points it comes from (the basis of token offsets, as in Hugging Face's
// NormalizedString, but per code point).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace osprey::tokenizers {

struct Align {
  uint32_t start = 0, end = 0;  // [start, end) in code points of the original text
};

struct NormalizedText {
  std::u32string chars;
  std::vector<Align> align;

  size_t size() const { return chars.size(); }
  bool empty() const { return chars.empty(); }
  void clear() {
    chars.clear();
    align.clear();
  }
  void push(char32_t c, Align a) {
    chars.push_back(c);
    align.push_back(a);
  }
  // Original range covered by chars [begin, end).
  Align original_range(size_t begin, size_t end) const {
    Align r{UINT32_MAX, 0};
    for (size_t i = begin; i < end; ++i) {
      if (align[i].start < r.start) r.start = align[i].start;
      if (align[i].end > r.end) r.end = align[i].end;
    }
    if (begin >= end)
      r = begin < align.size() ? Align{align[begin].start, align[begin].start} : Align{0, 0};
    return r;
  }
};

// A text cut into pieces (after added-token extraction and pre-tokenization). Pieces live in one
// buffer; a piece with `fixed_id >= 0` is an added token and skips pre-tokenization and the model.
struct Pieces {
  NormalizedText text;
  struct Span {
    uint32_t begin, end;
    int32_t fixed_id;
  };
  std::vector<Span> spans;

  void clear() {
    text.clear();
    spans.clear();
  }
  // Appends chars [begin, end) of `from` as a new piece (empty pieces are dropped, as in HF).
  // When `from` is `text` itself, the piece is a span of it: nothing is copied.
  void add(const NormalizedText& from, size_t begin, size_t end, int32_t fixed_id = -1) {
    if (begin >= end) return;
    if (&from == &text) {
      spans.push_back({uint32_t(begin), uint32_t(end), fixed_id});
      return;
    }
    uint32_t b = uint32_t(text.size());
    text.chars.append(from.chars, begin, end - begin);
    text.align.insert(text.align.end(), from.align.begin() + begin, from.align.begin() + end);
    spans.push_back({b, uint32_t(text.size()), fixed_id});
  }
  // Appends a whole NormalizedText as a piece.
  void add(const NormalizedText& from, int32_t fixed_id = -1) {
    add(from, 0, from.size(), fixed_id);
  }
};

// Scratch buffers kept across calls (thread_local) are released after a large text, so that one
// huge input does not pin its memory for the life of the thread.
inline constexpr size_t kKeepScratchElements = size_t(1) << 20;
template <typename T>
void release_if_large(T& v) {
  if (v.capacity() > kKeepScratchElements) T().swap(v);
}
inline void release_if_large(NormalizedText& t) {
  release_if_large(t.chars);
  release_if_large(t.align);
}
inline void release_if_large(Pieces& p) {
  release_if_large(p.text);
  release_if_large(p.spans);
}

}  // namespace osprey::tokenizers
