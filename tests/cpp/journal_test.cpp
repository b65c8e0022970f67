#include "collection/change_journal.h"

#include "collection/collection.h"
#include "test_util.h"

using namespace osprey;

namespace {

DocumentInput doc(std::string id, std::string body, std::vector<float> vector) {
  return DocumentInput{std::move(id), "", std::move(body), "{\"v\":1}", std::move(vector)};
}

Collection reload(const std::vector<uint8_t>& snapshot) {
  return Collection::deserialize(snapshot.data(), snapshot.size());
}

// Same documents, same sparse ranking.
void check_same(const Collection& a, const Collection& b, const std::vector<std::string>& ids) {
  REQUIRE(a.size() == b.size());
  for (const auto& id : ids) {
    const StoredDocument* x = a.find(id);
    const StoredDocument* y = b.find(id);
    REQUIRE((x == nullptr) == (y == nullptr));
    if (x) {
      CHECK(x->body == y->body);
      CHECK(x->metadata == y->metadata);
    }
  }
  SearchRequest q;
  q.text = "alpha beta gamma delta";
  q.k = 50;
  auto ha = a.search(q), hb = b.search(q);
  REQUIRE(ha.size() == hb.size());
  for (size_t i = 0; i < ha.size(); ++i) {
    CHECK(a.document(ha[i].slot).id == b.document(hb[i].slot).id);
    CHECK(ha[i].score == hb[i].score);
  }
}

}  // namespace

TEST_CASE("a journal record replayed on the last snapshot reproduces the collection") {
  CollectionOptions options;
  options.dense.dimension = 3;
  Collection c(options);
  c.set_journaling(true);
  CHECK(c.journal_incomplete());  // nothing saved yet: a snapshot comes first
  c.add({doc("a", "alpha", {1, 0, 0}), doc("b", "beta", {0, 1, 0})});
  auto snapshot = c.serialize();
  c.snapshot_saved();
  CHECK_FALSE(c.journal_incomplete());

  c.add({doc("c", "gamma alpha", {0, 0, 1})});
  c.upsert({doc("a", "alpha delta", {1, 1, 0})});
  c.remove({"b"});
  c.add({doc("b", "beta again", {0, 1, 1})});
  CHECK(c.journal_operations() == 4);
  auto record = c.take_journal();
  CHECK(c.journal_operations() == 0);

  Collection replayed = reload(snapshot);
  replayed.apply_journal(record.data(), record.size());
  check_same(c, replayed, {"a", "b", "c"});
  // Replaying is not journaled again.
  replayed.set_journaling(true);
  replayed.snapshot_saved();
  replayed.apply_journal(record.data(), record.size());
  CHECK(replayed.journal_operations() == 0);
}

TEST_CASE("records of two writers merge in commit order, last writer wins") {
  CollectionOptions options;
  Collection base(options);
  base.add({DocumentInput{"x", "", "alpha", "", {}}, DocumentInput{"y", "", "beta", "", {}}});
  auto snapshot = base.serialize();

  Collection writer_a = reload(snapshot), writer_b = reload(snapshot);
  for (Collection* w : {&writer_a, &writer_b}) {
    w->set_journaling(true);
    w->snapshot_saved();
  }
  writer_a.add({DocumentInput{"a1", "", "gamma", "", {}}});
  writer_a.remove({"x"});
  writer_b.upsert({DocumentInput{"x", "", "delta from b", "", {}}});
  writer_b.add({DocumentInput{"b1", "", "alpha beta", "", {}}});
  auto record_a = writer_a.take_journal();
  auto record_b = writer_b.take_journal();

  Collection merged = reload(snapshot);
  merged.apply_journal(record_a.data(), record_a.size());
  merged.apply_journal(record_b.data(), record_b.size());
  CHECK(merged.size() == 4);
  REQUIRE(merged.find("x") != nullptr);
  CHECK(merged.find("x")->body == "delta from b");  // b committed after a's delete
  CHECK(merged.find("a1") != nullptr);
  CHECK(merged.find("b1") != nullptr);

  // The other order: a's delete wins.
  Collection other = reload(snapshot);
  other.apply_journal(record_b.data(), record_b.size());
  other.apply_journal(record_a.data(), record_a.size());
  CHECK(other.find("x") == nullptr);
  CHECK(other.size() == 3);
}

TEST_CASE("corrupt, foreign and newer records are refused before anything changes") {
  Collection c(CollectionOptions{});
  c.set_journaling(true);
  c.snapshot_saved();
  c.add({DocumentInput{"a", "", "alpha", "", {}}, DocumentInput{"b", "", "beta", "", {}}});
  auto record = c.take_journal();
  Collection target(CollectionOptions{});
  const auto before = target.serialize();
  for (size_t i = 24; i < record.size(); ++i) {
    auto bad = record;
    bad[i] ^= 0x10;
    CHECK_OSPREY_ERROR(target.apply_journal(bad.data(), bad.size()), ErrorCode::kCorruptData);
  }
  CHECK_OSPREY_ERROR(target.apply_journal(record.data(), record.size() - 1),
                     ErrorCode::kCorruptData);
  auto newer = record;
  newer[8] = 9;
  CHECK_OSPREY_ERROR(target.apply_journal(newer.data(), newer.size()),
                     ErrorCode::kUnsupportedFormat);
  auto snapshot = c.serialize();  // a snapshot is not a change record
  CHECK_OSPREY_ERROR(target.apply_journal(snapshot.data(), snapshot.size()),
                     ErrorCode::kUnsupportedFormat);
  CHECK(target.serialize() == before);
  target.apply_journal(record.data(), record.size());
  CHECK(target.size() == 2);
}

TEST_CASE("an incomplete journal asks for a snapshot") {
  Collection c(CollectionOptions{});
  CHECK(c.journal_incomplete());
  CHECK_OSPREY_ERROR(c.take_journal(), ErrorCode::kInvalidArgument);
  c.set_journaling(true);
  c.snapshot_saved();
  // Past the journal's byte budget it gives up, and the next save must be a snapshot.
  std::string big(1 << 20, 'w');
  std::vector<DocumentInput> docs;
  for (int i = 0; i < 70; ++i)
    docs.push_back(DocumentInput{"d" + std::to_string(i), "", big, "", {}});
  c.add(std::move(docs));
  CHECK(c.journal_incomplete());
  c.serialize();
  c.snapshot_saved();
  CHECK_FALSE(c.journal_incomplete());
}
