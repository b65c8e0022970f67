#include "collection/change_journal.h"

#include <cstring>

#include "core/byte_io.h"
#include "core/checksum.h"
#include "core/error.h"

namespace osprey {
namespace {
constexpr char kMagic[8] = {'O', 'S', 'P', 'R', 'J', 'R', 'N', 'L'};
constexpr size_t kHeaderSize = 8 + 4 + 4 + 8;

size_t approximate_bytes(const DocumentInput& d) {
  return d.id.size() + d.title.size() + d.body.size() + d.metadata_json.size() +
         (d.vector ? d.vector->size() * sizeof(float) : 0) + 64;
}
}  // namespace

void ChangeJournal::record_upsert(const std::vector<DocumentInput>& docs) {
  if (overflowed_ || docs.empty()) return;
  for (const auto& d : docs) bytes_ += approximate_bytes(d);
  if (bytes_ > kMaxBytes) {
    clear();
    overflowed_ = true;
    return;
  }
  operations_.push_back({Operation::Kind::kUpsert, docs, {}});
}

void ChangeJournal::record_remove(const std::vector<std::string>& ids) {
  if (overflowed_ || ids.empty()) return;
  for (const auto& id : ids) bytes_ += id.size() + 8;
  if (bytes_ > kMaxBytes) {
    clear();
    overflowed_ = true;
    return;
  }
  operations_.push_back({Operation::Kind::kRemove, {}, ids});
}

void ChangeJournal::clear() {
  operations_.clear();
  bytes_ = 0;
  overflowed_ = false;
}

std::vector<uint8_t> ChangeJournal::take() {
  ByteWriter payload;
  payload.varint(operations_.size());
  for (const auto& op : operations_) {
    payload.u8(uint8_t(op.kind));
    if (op.kind == Operation::Kind::kUpsert) {
      payload.varint(op.docs.size());
      for (const auto& d : op.docs) {
        payload.str(d.id);
        payload.str(d.title);
        payload.str(d.body);
        payload.str(d.metadata_json);
        payload.u8(d.vector ? 1 : 0);
        if (d.vector) {
          payload.varint(d.vector->size());
          payload.floats(d.vector->data(), d.vector->size());
        }
      }
    } else {
      payload.varint(op.ids.size());
      for (const auto& id : op.ids) payload.str(id);
    }
  }
  clear();
  ByteWriter out;
  out.raw(kMagic, sizeof kMagic);
  out.u32(kFormatVersion);
  out.u32(crc32c(payload.bytes().data(), payload.size()));
  out.u64(payload.size());
  out.raw(payload.bytes().data(), payload.size());
  return out.take();
}

namespace {

std::string_view read_view(ByteReader& in) {
  const size_t n = in.count(1);
  return {reinterpret_cast<const char*>(in.raw(n)), n};
}

// Reads the operations of a record's payload; with kBuild false it only checks them (nothing is
// allocated), with kBuild true it hands each one over as it is decoded.
template <bool kBuild, typename OnUpsert, typename OnRemove>
void read_operations(ByteReader in, const OnUpsert& on_upsert, const OnRemove& on_remove) {
  // Nothing writes an empty operation: each takes its kind, its count and one item (>= 2 bytes).
  const size_t operations = in.count(4);
  for (size_t o = 0; o < operations; ++o) {
    const uint8_t kind = in.u8();
    if (kind == uint8_t(ChangeJournal::Operation::Kind::kUpsert)) {
      // A document: a non-empty id (>= 2 bytes), title, body, metadata and the vector flag.
      const size_t count = in.count(6);
      if (count == 0) in.fail("an upsert of no documents");
      std::vector<DocumentInput> docs;
      if (kBuild) docs.resize(count);
      for (size_t i = 0; i < count; ++i) {
        const std::string_view id = read_view(in), title = read_view(in), body = read_view(in),
                               metadata = read_view(in);
        if (id.empty()) in.fail("a document without an id");
        const uint8_t has_vector = in.u8();
        if (has_vector > 1) in.fail("bad vector flag");
        const size_t dimension = has_vector ? in.count(4) : 0;
        if (!kBuild) {
          in.raw(4 * dimension);
          continue;
        }
        DocumentInput& d = docs[i];
        d.id = id;
        d.title = title;
        d.body = body;
        d.metadata_json = metadata;
        if (has_vector) {
          d.vector.emplace(dimension);
          in.floats(d.vector->data(), dimension);
        }
      }
      if (kBuild) on_upsert(std::move(docs));
    } else if (kind == uint8_t(ChangeJournal::Operation::Kind::kRemove)) {
      const size_t count = in.count(2);
      if (count == 0) in.fail("a removal of no documents");
      const uint8_t* ids = in.position();
      for (size_t i = 0; i < count; ++i) {
        if (read_view(in).empty()) in.fail("a removal of an empty id");
      }
      if (kBuild) on_remove(ChangeJournal::IdList(ids, count));
    } else {
      in.fail("unknown operation " + std::to_string(kind));
    }
  }
  if (!in.done()) in.fail("unexpected bytes after the last operation");
}

}  // namespace

void ChangeJournal::replay(const uint8_t* data, size_t size,
                           const std::function<void(std::vector<DocumentInput>)>& upsert,
                           const std::function<void(const IdList&)>& remove) {
  if (size < sizeof kMagic || std::memcmp(data, kMagic, sizeof kMagic) != 0) {
    throw Error(ErrorCode::kUnsupportedFormat, "not an Osprey change record (bad magic)");
  }
  ByteReader header(data, size, "change record");
  header.raw(sizeof kMagic);
  const uint32_t version = header.u32();
  if (version == 0 || version > kFormatVersion) {
    throw Error(ErrorCode::kUnsupportedFormat, "change record version " + std::to_string(version) +
                                                   " is newer than this build of Osprey reads (" +
                                                   std::to_string(kFormatVersion) + ")");
  }
  const uint32_t checksum = header.u32();
  const uint64_t payload_size = header.u64();
  if (payload_size != header.remaining()) header.fail("truncated or padded");
  if (crc32c(data + kHeaderSize, payload_size) != checksum) header.fail("checksum mismatch");

  const ByteReader in(data + kHeaderSize, payload_size, "change record", "operations");
  auto ignore = [](auto&&) {};
  read_operations<false>(in, ignore, ignore);  // the whole record is checked before any change
  read_operations<true>(in, upsert, remove);
}

std::vector<ChangeJournal::Operation> ChangeJournal::decode(const uint8_t* data, size_t size) {
  std::vector<Operation> ops;
  replay(
      data, size,
      [&](std::vector<DocumentInput> docs) {
        ops.push_back({Operation::Kind::kUpsert, std::move(docs), {}});
      },
      [&](const IdList& ids) {
        Operation op{Operation::Kind::kRemove, {}, {}};
        op.ids.reserve(ids.size());
        ids.each([&](std::string_view id) { op.ids.emplace_back(id); });
        ops.push_back(std::move(op));
      });
  return ops;
}

}  // namespace osprey
