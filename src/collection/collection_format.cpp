// The collection's byte format (version 4; 2 and 3 load, 1 is refused with a clear error):
//   magic "OSPREYDB" | u32 format version | u32 CRC-32C of the payload | u64 payload size | payload
//   payload = analyzer config, dense options, documents, BM25 index, dense index (if any), then
//   the optional tagged sections (rerank state, ingested documents).
// Version 4 puts before the dense index its vector count (varint) and byte size (u64), so that a
// loaded collection can leave it encoded until a dense search or a change needs it; version 3
// wrote the dense index bare. The BM25 section has its own layout number (see bm25_format.cpp).
// All integers little-endian. Readers reject other magics, newer versions, checksum mismatches and
// any structural inconsistency with a clear error instead of loading a broken collection; parts
// decoded on first use are checked then.
#include <cstring>

#include "collection/collection.h"
#include "core/checksum.h"
#include "core/error.h"
#include "rerank/rerank_state.h"

namespace osprey {
namespace {
constexpr char kMagic[8] = {'O', 'S', 'P', 'R', 'E', 'Y', 'D', 'B'};
constexpr size_t kHeaderSize = 8 + 4 + 4 + 8;
// Optional section (version 3), before any other optional section: the rerank state.
constexpr uint32_t kRerankSectionTag = 0x4B4E5252;  // "RRNK"
// Optional last section: the ingested documents' passage map (only when there is one).
constexpr uint32_t kIngestSectionTag = 0x54534E49;  // "INST"
}  // namespace

std::vector<uint8_t> Collection::serialize() const {
  ByteWriter payload;
  options_.analyzer.save(payload);
  options_.dense.save(payload);
  store_.save(payload);
  sparse_.save(payload);
  if (has_dense()) {
    if (!pending_dense_.empty()) dense();  // changes wait for it: decode and apply them
    payload.varint(vector_count());
    if (stored_dense_) {  // unchanged and unused since loading: its bytes as they were
      payload.u64(stored_dense_->size);
      payload.raw(stored_dense_->bytes->data() + stored_dense_->offset, stored_dense_->size);
    } else {
      const size_t at = payload.size();
      payload.u64(0);
      dense_->save(payload);
      const uint64_t size = payload.size() - at - 8;
      for (int i = 0; i < 8; ++i) payload.bytes()[at + size_t(i)] = uint8_t(size >> (8 * i));
    }
  }
  if (rerank_->tokens.size() || rerank_->feedback.size() || rerank_->ranker) {
    payload.u32(kRerankSectionTag);
    rerank_->save(payload);
  }
  if (!ingested_.empty()) {
    payload.u32(kIngestSectionTag);
    ingested_.save(payload);
  }

  ByteWriter out;
  out.raw(kMagic, sizeof kMagic);
  out.u32(kFormatVersion);
  out.u32(crc32c(payload.bytes().data(), payload.size()));
  out.u64(payload.size());
  out.bytes().reserve(kHeaderSize + payload.size());
  out.raw(payload.bytes().data(), payload.size());
  return out.take();
}

Collection Collection::deserialize(const uint8_t* data, size_t size) {
  return deserialize(std::vector<uint8_t>(data, data + size));
}

Collection Collection::deserialize(std::vector<uint8_t> buffer, bool checksum_verified) {
  // Documents and posting lists point into the bytes: they are kept for the collection's life.
  const auto bytes = std::make_shared<const std::vector<uint8_t>>(std::move(buffer));
  const uint8_t* data = bytes->data();
  const size_t size = bytes->size();
  if (size < sizeof kMagic || std::memcmp(data, kMagic, sizeof kMagic) != 0) {
    throw Error(ErrorCode::kUnsupportedFormat,
                "not an Osprey collection (the data does not start with 'OSPREYDB')");
  }
  ByteReader header(data, size, "collection header");
  header.raw(sizeof kMagic);
  const uint32_t version = header.u32();
  if (version < 2) {
    throw Error(ErrorCode::kUnsupportedFormat,
                "collection format version " + std::to_string(version) +
                    " predates positional postings and configurable analyzers: this build of "
                    "Osprey reads versions 2 to " +
                    std::to_string(kFormatVersion) + " (add the documents to a new collection)");
  }
  if (version > kFormatVersion) {
    throw Error(ErrorCode::kUnsupportedFormat,
                "collection format version " + std::to_string(version) +
                    " is not supported: this build of Osprey reads versions 2 to " +
                    std::to_string(kFormatVersion) + " (upgrade Osprey to open it)");
  }
  const uint32_t checksum = header.u32();
  const uint64_t payload_size = header.u64();
  if (payload_size != header.remaining()) {
    throw Error(ErrorCode::kCorruptData, "collection is corrupt: the payload should be " +
                                             std::to_string(payload_size) + " bytes but is " +
                                             std::to_string(header.remaining()) +
                                             " (truncated or padded)");
  }
  const uint8_t* payload = data + kHeaderSize;
  if (!checksum_verified && crc32c(payload, payload_size) != checksum) {
    throw Error(ErrorCode::kCorruptData, "collection is corrupt: checksum mismatch");
  }

  ByteReader in(payload, payload_size, "collection", "analyzer section");
  CollectionOptions options;
  options.analyzer = AnalyzerConfig::load(in);
  in.set_section("dense options");
  options.dense = DenseOptions::load(in);
  in.set_section("documents section");
  DocumentStore store = DocumentStore::load(in, bytes);
  in.set_section("bm25 section");
  Bm25Index sparse = Bm25Index::load(in, bytes);
  options.bm25 = sparse.params();
  // The index is addressed by the store's slots: every slot it has must be one of the store's,
  // and only live documents may have text.
  if (sparse.slot_capacity() != store.slot_count()) {
    in.fail(std::to_string(sparse.slot_capacity()) + " slots for the " +
            std::to_string(store.slot_count()) + " document slots");
  }
  for (uint32_t slot = 0; slot < store.slot_count(); ++slot) {
    if (!store.live(slot) && sparse.has_text(slot)) {
      in.fail("free slot " + std::to_string(slot) + " has text");
    }
  }
  if (sparse.document_count() != store.size()) {
    in.fail(std::to_string(sparse.document_count()) + " documents for the " +
            std::to_string(store.size()) + " stored");
  }

  Collection c(options);
  c.store_ = std::move(store);
  c.sparse_ = std::move(sparse);
  in.set_section("dense section");
  if (options.dense.dimension > 0 && version >= 4) {
    StoredSection stored;
    stored.bytes = bytes;
    stored.count = in.varint();
    if (stored.count != c.store_.size()) {
      in.fail(std::to_string(stored.count) + " vectors for " + std::to_string(c.store_.size()) +
              " documents");
    }
    const uint64_t dense_size = in.u64();
    if (dense_size > in.remaining()) in.fail("the dense index is cut short");
    stored.size = size_t(dense_size);
    stored.offset = size_t(in.position() - data);
    in.raw(stored.size);
    c.dense_.reset();
    c.stored_dense_ = std::move(stored);
  } else if (options.dense.dimension > 0) {
    c.dense_ = load_vector_index(options.dense, in, c.store_.slot_count());
    for (uint32_t slot = 0; slot < c.store_.slot_count(); ++slot) {
      if (c.store_.live(slot) != c.dense_->contains(slot))
        in.fail("vectors and documents disagree");
    }
  }
  if (!in.done()) {
    ByteReader peek = in;
    if (peek.u32() == kRerankSectionTag) {
      in.u32();
      in.set_section("rerank section");
      c.rerank_ = std::make_unique<RerankState>(RerankState::load(in));
    }
  }
  if (!in.done()) {
    in.set_section({});
    if (in.u32() != kIngestSectionTag) in.fail("unknown section");
    in.set_section("ingest section");
    c.ingested_ = DocumentIndex::load(in);
  }
  in.set_section({});
  if (!in.done()) in.fail("unexpected bytes after the last section");
  return c;
}

}  // namespace osprey
