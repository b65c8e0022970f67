#include "query/filter.h"

#include <vector>

#include "core/error.h"

namespace osprey {

using nlohmann::json;

struct Filter::Node {
  enum class Op { kAnd, kOr, kNot, kEq, kNe, kGt, kGte, kLt, kLte, kIn, kNin, kExists };
  Op op;
  std::vector<std::string> path;  // field path, for comparisons
  json operand;
  std::vector<std::shared_ptr<const Node>> children;
};

namespace {

using Node = Filter::Node;
using Op = Node::Op;

[[noreturn]] void bad(const std::string& why) {
  throw Error(ErrorCode::kInvalidJson, "invalid filter: " + why);
}

std::vector<std::string> split_path(const std::string& field) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t dot = field.find('.', start);
    parts.push_back(field.substr(start, dot - start));
    if (parts.back().empty()) bad("empty segment in field name '" + field + "'");
    if (dot == std::string::npos) return parts;
    start = dot + 1;
  }
}

bool is_scalar(const json& v) {
  return v.is_string() || v.is_number() || v.is_boolean() || v.is_null();
}

constexpr int kMaxDepth = 32;  // deeper filters are a mistake, and would exhaust the stack

std::shared_ptr<const Node> compile_node(const json& spec, int depth);

std::shared_ptr<const Node> compile_comparison(const std::string& field, const json& condition) {
  auto path = split_path(field);
  auto leaf = [&](Op op, const json& operand) {
    auto n = std::make_shared<Node>();
    n->op = op;
    n->path = path;
    n->operand = operand;
    return std::shared_ptr<const Node>(n);
  };
  if (!condition.is_object()) {
    if (!is_scalar(condition))
      bad("field '" + field + "' must be compared with a scalar or an operator object");
    return leaf(Op::kEq, condition);
  }
  auto all = std::make_shared<Node>();
  all->op = Op::kAnd;
  if (condition.empty()) bad("field '" + field + "' has an empty condition");
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
      bad("unknown operator '" + name + "' on field '" + field + "'");
    if (op == Op::kIn || op == Op::kNin) {
      if (!operand.is_array()) bad(name + " on field '" + field + "' needs an array");
      for (const auto& v : operand) {
        if (!is_scalar(v)) bad(name + " on field '" + field + "' takes scalars only");
      }
    } else if (op == Op::kExists) {
      if (!operand.is_boolean()) bad("$exists on field '" + field + "' needs true or false");
    } else if (op == Op::kEq || op == Op::kNe) {
      if (!is_scalar(operand)) bad(name + " on field '" + field + "' needs a scalar");
    } else if (!operand.is_number() && !operand.is_string()) {
      bad(name + " on field '" + field + "' needs a number or a string");
    }
    all->children.push_back(leaf(op, operand));
  }
  return all->children.size() == 1 ? all->children[0] : all;
}

std::shared_ptr<const Node> compile_node(const json& spec, int depth) {
  if (depth > kMaxDepth) bad("nested deeper than " + std::to_string(kMaxDepth) + " levels");
  if (!spec.is_object()) bad("expected an object, got " + spec.dump());
  auto all = std::make_shared<Node>();
  all->op = Op::kAnd;
  for (const auto& [key, value] : spec.items()) {
    if (key == "$and" || key == "$or") {
      if (!value.is_array() || value.empty()) bad(key + " needs a non-empty array of filters");
      auto group = std::make_shared<Node>();
      group->op = key == "$and" ? Op::kAnd : Op::kOr;
      for (const auto& child : value) group->children.push_back(compile_node(child, depth + 1));
      all->children.push_back(group);
    } else if (key == "$not") {
      auto negation = std::make_shared<Node>();
      negation->op = Op::kNot;
      negation->children.push_back(compile_node(value, depth + 1));
      all->children.push_back(negation);
    } else if (!key.empty() && key[0] == '$') {
      bad("unknown operator '" + key + "' at the top level");
    } else {
      all->children.push_back(compile_comparison(key, value));
    }
  }
  return all;
}

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

bool contains(const json& set, const json& v) {
  for (const auto& s : set) {
    if (s == v) return true;
  }
  return false;
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
  switch (node.op) {
    case Op::kExists:
      return (value != nullptr) == node.operand.get<bool>();
    case Op::kEq:
      return value && any_value(*value, [&](const json& v) { return v == node.operand; });
    case Op::kNe:
      return !value || !any_value(*value, [&](const json& v) { return v == node.operand; });
    case Op::kIn:
      return value && any_value(*value, [&](const json& v) { return contains(node.operand, v); });
    case Op::kNin:
      return !value || !any_value(*value, [&](const json& v) { return contains(node.operand, v); });
    default:
      return value &&
             any_value(*value, [&](const json& v) { return ordered(v, node.operand, node.op); });
  }
}

}  // namespace

Filter Filter::compile(const json& spec) {
  Filter f;
  if (spec.is_null() || (spec.is_object() && spec.empty())) return f;
  f.root_ = compile_node(spec, 0);
  return f;
}

Filter Filter::parse(const std::string& json_text) {
  if (json_text.empty()) return Filter{};
  json spec = json::parse(json_text, nullptr, false);
  if (spec.is_discarded()) bad("not valid JSON: " + json_text.substr(0, 200));
  return compile(spec);
}

bool Filter::matches(const json& metadata) const {
  return !root_ || evaluate(*root_, metadata);
}

}  // namespace osprey
