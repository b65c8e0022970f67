#include "text/grapheme.h"

#include "text/text_properties.h"

namespace osprey::unicode {

size_t grapheme_end(const char32_t* s, size_t n, size_t start) {
  using GB = GraphemeBreak;
  GB prev = grapheme_break(s[start]);
  bool pict_seen = is_extended_pictographic(s[start]);  // ExtPict Extend* so far (GB11)
  int regional = prev == GB::RegionalIndicator ? 1 : 0;
  size_t i = start + 1;
  for (; i < n; ++i) {
    GB cur = grapheme_break(s[i]);
    bool join;
    if (prev == GB::CR && cur == GB::LF)
      join = true;  // GB3
    else if (prev == GB::CR || prev == GB::LF || prev == GB::Control)
      join = false;  // GB4
    else if (cur == GB::CR || cur == GB::LF || cur == GB::Control)
      join = false;  // GB5
    else if (prev == GB::L && (cur == GB::L || cur == GB::V || cur == GB::LV || cur == GB::LVT))
      join = true;  // GB6
    else if ((prev == GB::LV || prev == GB::V) && (cur == GB::V || cur == GB::T))
      join = true;
    else if ((prev == GB::LVT || prev == GB::T) && cur == GB::T)
      join = true;  // GB8
    else if (cur == GB::Extend || cur == GB::ZWJ || cur == GB::SpacingMark)
      join = true;
    else if (prev == GB::Prepend)
      join = true;  // GB9b
    else if (prev == GB::ZWJ && pict_seen && is_extended_pictographic(s[i]))
      join = true;
    else if (prev == GB::RegionalIndicator && cur == GB::RegionalIndicator && regional % 2 == 1)
      join = true;  // GB12/13
    else
      join = false;
    if (!join) break;
    // Track the GB11 state: ExtPict (Extend)* ZWJ.
    if (is_extended_pictographic(s[i]))
      pict_seen = true;
    else if (cur != GB::Extend && cur != GB::ZWJ)
      pict_seen = false;
    regional = cur == GB::RegionalIndicator ? regional + 1 : 0;
    prev = cur;
  }
  return i;
}

}  // namespace osprey::unicode
