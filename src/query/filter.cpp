#include "query/filter.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <map>
#include <vector>

#include "core/error.h"
#include "core/input_checks.h"

namespace osprey {

using nlohmann::json;

namespace {

// Equality of scalars as filters define it: numbers by value (an integer equals the float of the
// same value), strings by their bytes. (nlohmann's == also makes an unsigned integer above 2^63
// equal to a negative one; filters do not.)
bool scalar_equal(const json& a, const json& b) {
  if (a.is_number() && b.is_number()) {
    if (a.is_number_float() || b.is_number_float()) return a.get<double>() == b.get<double>();
    if (a.is_number_unsigned() && b.is_number_unsigned())
      return a.get<uint64_t>() == b.get<uint64_t>();
    if (a.is_number_unsigned() || b.is_number_unsigned()) {
      // One signed, one unsigned: equal only when the signed one is not negative.
      const json& s = a.is_number_unsigned() ? b : a;
      const json& u = a.is_number_unsigned() ? a : b;
      return s.get<int64_t>() >= 0 && uint64_t(s.get<int64_t>()) == u.get<uint64_t>();
    }
    return a.get<int64_t>() == b.get<int64_t>();
  }
  if (a.type() != b.type()) return false;
  if (a.is_string()) return a.get_ref<const std::string&>() == b.get_ref<const std::string&>();
  if (a.is_boolean()) return a.get<bool>() == b.get<bool>();
  return a.is_null();  // arrays and objects never equal a scalar operand
}

// Equal scalars hash equal: every number hashes as its double value.
uint64_t scalar_hash(const json& v) {
  if (v.is_string()) return std::hash<std::string>()(v.get_ref<const std::string&>()) * 4 + 3;
  if (v.is_number()) {
    double d = v.get<double>();
    if (d == 0) d = 0;  // -0.0 equals 0.0
    uint64_t bits;
    std::memcpy(&bits, &d, sizeof bits);
    return std::hash<uint64_t>()(bits) * 4 + 2;
  }
  if (v.is_boolean()) return v.get<bool>() ? 1 : 0;
  return 5;
}

}  // namespace

// The values of an $in / $nin list, sorted by hash: a lookup compares only values of equal hash,
// which is exactly the linear scan's answer (equal values always share a hash).
class ScalarSet {
 public:
  explicit ScalarSet(const json& values) {
    entries_.reserve(values.size());
    for (const auto& v : values) entries_.push_back({scalar_hash(v), &v});
    std::sort(entries_.begin(), entries_.end(),
              [](const Entry& a, const Entry& b) { return a.hash < b.hash; });
  }
  bool contains(const json& v) const {
    const uint64_t h = scalar_hash(v);
    auto it = std::lower_bound(entries_.begin(), entries_.end(), h,
                               [](const Entry& e, uint64_t x) { return e.hash < x; });
    for (; it != entries_.end() && it->hash == h; ++it) {
      if (scalar_equal(*it->value, v)) return true;
    }
    return false;
  }

 private:
  struct Entry {
    uint64_t hash;
    const json* value;  // into the node's operand, which owns it
  };
  std::vector<Entry> entries_;
};

struct Filter::Node {
  enum class Op { kAnd, kOr, kNot, kEq, kNe, kGt, kGte, kLt, kLte, kIn, kNin, kExists };
  Op op;
  std::vector<std::string> path;  // field path, for comparisons
  json operand;
  std::unique_ptr<const ScalarSet> set;  // $in / $nin: operand's values
  std::vector<std::shared_ptr<const Node>> children;
};

namespace {

using Node = Filter::Node;
using Op = Node::Op;

[[noreturn]] void bad(const std::string& why) {
  throw Error(ErrorCode::kInvalidJson, "invalid filter: " + why);
}

// A field name or operator as quoted in messages.
std::string quoted(const std::string& name) {
  return "'" + excerpt(name) + "'";
}

const char* type_name(const json& v) {
  if (v.is_array()) return "an array";
  if (v.is_string()) return "a string";
  if (v.is_number()) return "a number";
  if (v.is_boolean()) return "a boolean";
  if (v.is_null()) return "null";
  return "an object";
}

std::vector<std::string> split_path(const std::string& field) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t dot = field.find('.', start);
    parts.push_back(field.substr(start, dot - start));
    if (parts.back().empty()) bad("empty segment in field name " + quoted(field));
    if (dot == std::string::npos) return parts;
    start = dot + 1;
  }
}

bool is_scalar(const json& v) {
  return v.is_string() || v.is_number() || v.is_boolean() || v.is_null();
}

class Compiler {
 public:
  // `depth`: how deeply `spec` nests in the filter's JSON (the filter itself is level 1). Only
  // compile() of an already built value relies on this check; parse() measured the text first.
  std::shared_ptr<const Node> node(const json& spec, size_t depth) {
    check_depth(depth);
    if (!spec.is_object()) bad(std::string("expected an object, got ") + type_name(spec));
    auto all = std::make_shared<Node>();
    all->op = Op::kAnd;
    for (const auto& [key, value] : spec.items()) {
      if (key == "$and" || key == "$or") {
        if (!value.is_array() || value.empty()) bad(key + " needs a non-empty array of filters");
        auto group = make(key == "$and" ? Op::kAnd : Op::kOr);
        for (const auto& child : value) group->children.push_back(node(child, depth + 2));
        if (group->op == Op::kOr) merge_equalities(*group);
        all->children.push_back(group);
      } else if (key == "$not") {
        auto negation = make(Op::kNot);
        negation->children.push_back(node(value, depth + 1));
        all->children.push_back(negation);
      } else if (!key.empty() && key[0] == '$') {
        bad("unknown operator " + quoted(key) + " at the top level");
      } else {
        all->children.push_back(comparison(key, value, depth + 1));
      }
    }
    return all->children.size() == 1 ? all->children[0] : all;
  }

 private:
  // {"$or": [{"f": 1}, {"f": 2}, ...]} is {"f": {"$in": [1, 2, ...]}}: one set lookup per
  // document instead of one comparison per value.
  void merge_equalities(Node& group) {
    std::vector<std::shared_ptr<const Node>> kept;
    std::map<std::vector<std::string>, size_t> by_path;  // -> index into `values`
    std::vector<std::pair<std::vector<std::string>, json>> values;
    for (auto& child : group.children) {
      if (child->op != Op::kEq) {
        kept.push_back(std::move(child));
        continue;
      }
      auto [it, added] = by_path.emplace(child->path, values.size());
      if (added) values.emplace_back(child->path, json::array());
      values[it->second].second.push_back(child->operand);
    }
    for (auto& [path, operands] : values) {
      auto in = std::make_shared<Node>();
      in->op = Op::kIn;
      in->path = path;
      in->operand = std::move(operands);
      in->set = std::make_unique<ScalarSet>(in->operand);
      kept.push_back(std::move(in));
    }
    group.children = std::move(kept);
  }

  void check_depth(size_t depth) const {
    if (depth > Filter::kMaxDepth) {
      throw Error(ErrorCode::kLimitExceeded, "the filter nests objects and arrays deeper than " +
                                                 std::to_string(Filter::kMaxDepth) +
                                                 " levels (the filter depth limit)");
    }
  }

  std::shared_ptr<Node> make(Op op) {
    if (++conditions_ > Filter::kMaxConditions) {
      throw Error(ErrorCode::kLimitExceeded,
                  "the filter has more than " + std::to_string(Filter::kMaxConditions) +
                      " conditions (the limit of conditions per filter): use $in for long lists "
                      "of values");
    }
    auto n = std::make_shared<Node>();
    n->op = op;
    return n;
  }

  std::shared_ptr<const Node> comparison(const std::string& field, const json& condition,
                                         size_t depth) {
    const auto path = split_path(field);
    auto leaf = [&](Op op, const json& operand) {
      auto n = make(op);
      n->path = path;
      n->operand = operand;
      if (op == Op::kIn || op == Op::kNin) n->set = std::make_unique<ScalarSet>(n->operand);
      return std::shared_ptr<const Node>(n);
    };
    if (!condition.is_object()) {
      if (!is_scalar(condition))
        bad("field " + quoted(field) + " must be compared with a scalar or an operator object");
      return leaf(Op::kEq, condition);
    }
    check_depth(depth);
    if (condition.empty()) bad("field " + quoted(field) + " has an empty condition");
    auto all = std::make_shared<Node>();
    all->op = Op::kAnd;
    for (const auto& [name, operand] : condition.items()) {
      Op op;
      if (name == "$eq")
        op = Op::kEq;
      else if (name == "$ne")
        op = Op::kNe;
      else if (name == "$gt")
        op = Op::kGt;
      else if (name == "$gte")
        op = Op::kGte;
      else if (name == "$lt")
        op = Op::kLt;
      else if (name == "$lte")
        op = Op::kLte;
      else if (name == "$in")
        op = Op::kIn;
      else if (name == "$nin")
        op = Op::kNin;
      else if (name == "$exists")
        op = Op::kExists;
      else
        bad("unknown operator " + quoted(name) + " on field " + quoted(field));
      if (op == Op::kIn || op == Op::kNin) {
        if (!operand.is_array()) bad(name + " on field " + quoted(field) + " needs an array");
        check_depth(depth + 1);
        for (const auto& v : operand) {
          if (!is_scalar(v)) bad(name + " on field " + quoted(field) + " takes scalars only");
        }
      } else if (op == Op::kExists) {
        if (!operand.is_boolean())
          bad("$exists on field " + quoted(field) + " needs true or false");
      } else if (op == Op::kEq || op == Op::kNe) {
        if (!is_scalar(operand)) bad(name + " on field " + quoted(field) + " needs a scalar");
      } else if (!operand.is_number() && !operand.is_string()) {
        bad(name + " on field " + quoted(field) + " needs a number or a string");
      }
      all->children.push_back(leaf(op, operand));
    }
    return all->children.size() == 1 ? all->children[0] : all;
  }

  size_t conditions_ = 0;
};

const json* lookup(const json& metadata, const std::vector<std::string>& path) {
  const json* v = &metadata;
  for (const auto& part : path) {
    if (!v->is_object()) return nullptr;
    auto it = v->find(part);
    if (it == v->end()) return nullptr;
    v = &*it;
  }
  return v;
}

// Values of different kinds never compare (a string is not less than a number).
bool ordered(const json& a, const json& b, Op op) {
  bool comparable = (a.is_number() && b.is_number()) || (a.is_string() && b.is_string());
  if (!comparable) return false;
  switch (op) {
    case Op::kGt:
      return a > b;
    case Op::kGte:
      return a >= b;
    case Op::kLt:
      return a < b;
    case Op::kLte:
      return a <= b;
    default:
      return false;
  }
}

// A field holding an array matches when any of its elements does.
template <typename Pred>
bool any_value(const json& value, Pred pred) {
  if (value.is_array()) {
    for (const auto& v : value) {
      if (pred(v)) return true;
    }
    return false;
  }
  return pred(value);
}

bool evaluate(const Node& node, const json& metadata) {
  switch (node.op) {
    case Op::kAnd:
      for (const auto& c : node.children) {
        if (!evaluate(*c, metadata)) return false;
      }
      return true;
    case Op::kOr:
      for (const auto& c : node.children) {
        if (evaluate(*c, metadata)) return true;
      }
      return false;
    case Op::kNot:
      return !evaluate(*node.children[0], metadata);
    default:
      break;
  }
  const json* value = lookup(metadata, node.path);
  auto equal = [&](const json& v) { return scalar_equal(v, node.operand); };
  auto member = [&](const json& v) { return node.set->contains(v); };
  switch (node.op) {
    case Op::kExists:
      return (value != nullptr) == node.operand.get<bool>();
    case Op::kEq:
      return value && any_value(*value, equal);
    case Op::kNe:
      return !value || !any_value(*value, equal);
    case Op::kIn:
      return value && any_value(*value, member);
    case Op::kNin:
      return !value || !any_value(*value, member);
    default:
      return value &&
             any_value(*value, [&](const json& v) { return ordered(v, node.operand, node.op); });
  }
}

}  // namespace

Filter Filter::compile(const json& spec) {
  Filter f;
  if (spec.is_null() || (spec.is_object() && spec.empty())) return f;
  f.root_ = Compiler().node(spec, 1);
  return f;
}

Filter Filter::parse(const std::string& json_text) {
  if (json_text.empty()) return Filter{};
  // Limits first: the text is not parsed (let alone copied or printed) past them.
  if (json_text.size() > kMaxBytes) {
    throw Error(ErrorCode::kLimitExceeded, "the filter is " + std::to_string(json_text.size()) +
                                               " bytes; the limit is " + std::to_string(kMaxBytes) +
                                               " bytes (256 KiB): use $in for long lists");
  }
  if (json_depth(json_text, kMaxDepth) > kMaxDepth) {
    throw Error(ErrorCode::kLimitExceeded, "the filter nests objects and arrays deeper than " +
                                               std::to_string(kMaxDepth) +
                                               " levels (the filter depth limit)");
  }
  json spec = json::parse(json_text, nullptr, false);
  if (spec.is_discarded()) bad("not valid JSON: " + excerpt(json_text, 80));
  return compile(spec);
}

bool Filter::matches(const json& metadata) const {
  return !root_ || evaluate(*root_, metadata);
}

}  // namespace osprey
