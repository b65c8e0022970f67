// A fast 64-bit hash of bytes, to tell changed passages and documents from unchanged ones. Not
// cryptographic: it guards against accidents, not adversaries (2^-64 per comparison).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace osprey {

uint64_t content_hash(std::string_view bytes, uint64_t seed = 0);
// Combines a value into a running hash (fingerprints of several fields).
uint64_t hash_combine(uint64_t hash, uint64_t value);
std::string hash_hex(uint64_t hash);  // 16 lowercase hex digits

}  // namespace osprey
