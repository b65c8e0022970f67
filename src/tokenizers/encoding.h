// The output of a tokenizer for one input (a text or a text pair), and the truncation/padding
// options that shape it.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace osprey::tokenizers {

struct Encoding {
  std::vector<int32_t> ids;
  std::vector<int32_t> type_ids;
  std::vector<int32_t> attention_mask;
  std::vector<int32_t> special_tokens_mask;
  std::vector<std::pair<uint32_t, uint32_t>> offsets;  // [start, end) code points; specials (0, 0)
  // For an added token matched in the text: (leading << 8 | trailing) whitespace characters of the
  // matched text (ByteLevel's trim_offsets looks at them); kModelToken for the others.
  static constexpr uint16_t kModelToken = 0xFFFF;
  std::vector<uint16_t> surface_spaces;

  size_t size() const { return ids.size(); }
  void reserve(size_t n) {
    ids.reserve(n);
    type_ids.reserve(n);
    attention_mask.reserve(n);
    special_tokens_mask.reserve(n);
    offsets.reserve(n);
    surface_spaces.reserve(n);
  }
  void push(int32_t id, int32_t type_id, std::pair<uint32_t, uint32_t> offset, bool special,
            uint16_t spaces = kModelToken) {
    surface_spaces.push_back(spaces);
    ids.push_back(id);
    type_ids.push_back(type_id);
    attention_mask.push_back(1);
    special_tokens_mask.push_back(special ? 1 : 0);
    offsets.push_back(offset);
  }
  void append(const Encoding& other);
  // Inserts `other` before the first token (moving this one's tokens, not copying them elsewhere).
  void prepend(const Encoding& other);
  // Keeps `n` tokens: the first n (from the left side: the last n).
  void truncate(size_t n, bool from_left);
  // Pads to `length` with `pad_id` (attention 0, special 1, offsets (0, 0)).
  void pad(size_t length, int32_t pad_id, int32_t pad_type_id, bool on_left);
};

enum class TruncationStrategy { kLongestFirst, kOnlyFirst, kOnlySecond };
enum class PaddingStrategy { kNone, kLongest, kMaxLength };

struct EncodeOptions {
  bool add_special_tokens = true;
  size_t max_length = 0;  // 0: no truncation
  TruncationStrategy truncation = TruncationStrategy::kLongestFirst;
  bool truncate_left = false;
  PaddingStrategy padding =
      PaddingStrategy::kNone;  // kMaxLength pads to max_length (or pad_length)
  size_t pad_length = 0;       // target for kMaxLength when max_length is 0
  size_t pad_to_multiple_of = 0;
  bool pad_left = false;
};

// Truncates a sequence (and its pair) so that together they keep `max_length` tokens, as HF's
// truncate_encodings does. Throws Error(kInvalidArgument) if the strategy cannot satisfy it.
void truncate_pair(Encoding& a, Encoding* b, size_t max_length, TruncationStrategy strategy,
                   bool from_left);

}  // namespace osprey::tokenizers
