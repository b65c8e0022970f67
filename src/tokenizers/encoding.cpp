#include "tokenizers/encoding.h"

#include <algorithm>

#include "core/error.h"

namespace osprey::tokenizers {

void Encoding::append(const Encoding& o) {
  ids.insert(ids.end(), o.ids.begin(), o.ids.end());
  type_ids.insert(type_ids.end(), o.type_ids.begin(), o.type_ids.end());
  attention_mask.insert(attention_mask.end(), o.attention_mask.begin(), o.attention_mask.end());
  special_tokens_mask.insert(special_tokens_mask.end(), o.special_tokens_mask.begin(),
                             o.special_tokens_mask.end());
  offsets.insert(offsets.end(), o.offsets.begin(), o.offsets.end());
  surface_spaces.insert(surface_spaces.end(), o.surface_spaces.begin(), o.surface_spaces.end());
}

void Encoding::prepend(const Encoding& o) {
  ids.insert(ids.begin(), o.ids.begin(), o.ids.end());
  type_ids.insert(type_ids.begin(), o.type_ids.begin(), o.type_ids.end());
  attention_mask.insert(attention_mask.begin(), o.attention_mask.begin(), o.attention_mask.end());
  special_tokens_mask.insert(special_tokens_mask.begin(), o.special_tokens_mask.begin(),
                             o.special_tokens_mask.end());
  offsets.insert(offsets.begin(), o.offsets.begin(), o.offsets.end());
  surface_spaces.insert(surface_spaces.begin(), o.surface_spaces.begin(), o.surface_spaces.end());
}

void Encoding::truncate(size_t n, bool from_left) {
  if (n >= size()) return;
  auto cut = [&](auto& v) {
    if (from_left)
      v.erase(v.begin(), v.end() - n);
    else
      v.resize(n);
  };
  cut(ids);
  cut(type_ids);
  cut(attention_mask);
  cut(special_tokens_mask);
  cut(offsets);
  cut(surface_spaces);
}

void Encoding::pad(size_t length, int32_t pad_id, int32_t pad_type_id, bool on_left) {
  if (size() >= length) return;
  size_t k = length - size();
  auto grow = [&](auto& v, auto value) {
    if (on_left)
      v.insert(v.begin(), k, value);
    else
      v.insert(v.end(), k, value);
  };
  grow(ids, pad_id);
  grow(type_ids, pad_type_id);
  grow(attention_mask, 0);
  grow(special_tokens_mask, 1);
  grow(offsets, std::pair<uint32_t, uint32_t>(0, 0));
  grow(surface_spaces, kModelToken);
}

void truncate_pair(Encoding& a, Encoding* b, size_t max_length, TruncationStrategy strategy,
                   bool from_left) {
  size_t total = a.size() + (b ? b->size() : 0);
  if (total <= max_length) return;
  size_t to_remove = total - max_length;
  switch (strategy) {
    case TruncationStrategy::kLongestFirst: {
      if (!b) {
        a.truncate(max_length, from_left);
        return;
      }
      size_t n1 = a.size(), n2 = b->size();
      bool swap = n1 > n2;
      if (swap) std::swap(n1, n2);
      if (n1 > max_length)
        n2 = n1;
      else
        n2 = std::max(n1, max_length - n1);
      if (n1 + n2 > max_length) {
        n1 = max_length / 2;
        n2 = n1 + max_length % 2;
      }
      if (swap) std::swap(n1, n2);
      a.truncate(n1, from_left);
      b->truncate(n2, from_left);
      return;
    }
    case TruncationStrategy::kOnlyFirst:
    case TruncationStrategy::kOnlySecond: {
      Encoding* target = strategy == TruncationStrategy::kOnlyFirst ? &a : b;
      if (!target || target->size() <= to_remove) {
        throw Error(ErrorCode::kInvalidArgument,
                    "truncation: the sequence to truncate is shorter than the excess of " +
                        std::to_string(to_remove) + " tokens");
      }
      target->truncate(target->size() - to_remove, from_left);
      return;
    }
  }
}

}  // namespace osprey::tokenizers
