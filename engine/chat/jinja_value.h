// The value type of the Jinja interpreter: Python's object model cut down to
// what chat templates use (None, bool, int, float, str, list/tuple, dict,
// callables) plus jinja2's Undefined.
//
// Lists and dicts are shared by reference, as in Python; the sandbox is
// immutable, so only namespace() objects are ever mutated after creation.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hearth::jinja {

enum Kind {
    Kind_undefined,
    Kind_none,
    Kind_boolean,
    Kind_integer,
    Kind_float,
    Kind_string,
    Kind_list,
    Kind_dict,
    Kind_function,
};

// Dict flavours that print and resolve attributes differently.
enum DictTag {
    DictTag_plain,
    DictTag_namespace,  // namespace(): attributes are its items, assignable
    DictTag_object,     // loop, cycler, joiner: attributes only, no dict methods
};

struct Value;
struct ListData;
struct DictData;
struct Function;
class Interp;

using ListPtr = std::shared_ptr<ListData>;
using DictPtr = std::shared_ptr<DictData>;
using FunctionPtr = std::shared_ptr<Function>;

struct Value {
    Kind kind = Kind_undefined;
    bool boolean = false;
    int64_t integer = 0;
    double number = 0;
    std::string text;   // the string, or for Undefined the message an access would raise
    bool safe = false;  // a markupsafe.Markup string: `+` HTML-escapes a plain str joined to it
    ListPtr list;
    DictPtr dict;
    FunctionPtr function;

    Value() = default;
    static Value undefined(std::string hint);
    static Value none();
    static Value from(bool b);
    static Value from(int64_t i);
    static Value from(int i) { return from(static_cast<int64_t>(i)); }
    static Value from(double d);
    static Value from(std::string s);
    static Value from(const char * s) { return from(std::string(s)); }
    static Value from(std::vector<Value> items, bool tuple = false);
    static Value new_dict(DictTag tag = DictTag_plain);
    static Value from(FunctionPtr f);

    bool is_undefined() const { return kind == Kind_undefined; }
    bool is_none() const { return kind == Kind_none; }
    bool is_string() const { return kind == Kind_string; }
    bool is_list() const { return kind == Kind_list; }
    bool is_dict() const { return kind == Kind_dict; }
    bool is_number() const { return kind == Kind_integer || kind == Kind_float || kind == Kind_boolean; }
    bool is_integral() const { return kind == Kind_integer || kind == Kind_boolean; }
    double as_double() const;
    int64_t as_int() const { return kind == Kind_boolean ? (boolean ? 1 : 0) : integer; }
};

// How deeply plain lists and dicts may nest. Every walk over a value (repr,
// ==, <, tojson, the destructor's) recurses, so a template that wraps a list
// in a list a million times must be stopped while it builds it, not when
// printing it. Namespaces and other objects count as one level: they can be
// mutated after they are stored, so their depth is bounded where they are
// walked (repr) and they are never destroyed mid-render (Interp keeps them).
constexpr uint32_t kMaxValueDepth = 1000;

struct ListData {
    std::vector<Value> items;
    bool tuple = false;
    uint32_t depth = 1;  // 1 + the deepest item's nesting
};

struct DictData {
    DictTag tag = DictTag_plain;
    std::string type_name;                         // for DictTag_object: "LoopContext", "Cycler"...
    std::vector<std::pair<Value, Value>> entries;  // insertion order, as Python dicts
    uint32_t depth = 1;    // plain dicts: 1 + the deepest key's or value's nesting (never lowered)
    FunctionPtr callable;  // DictTag_object: what calling the object does (loop(...))

    const Value * find(const Value & key) const;
    const Value * find(std::string_view key) const;
    // Both fail with LimitError past kMaxValueDepth.
    void set(const Value & key, Value value);
    void append(Value key, Value value);  // a key known to be new
};

// The nesting a value adds to a container holding it: 0 for scalars, the
// depth of a plain list or dict, 1 for namespaces and other objects.
uint32_t nesting(const Value & v);

// Positional and keyword arguments of a call.
struct CallArgs {
    std::vector<Value> positional;
    std::vector<std::pair<std::string, Value>> keywords;

    const Value * keyword(std::string_view name) const;
    // Positional `index`, else keyword `name`, else nullptr.
    const Value * get(size_t index, std::string_view name) const;
};

struct Function {
    std::string name;
    std::function<Value(Interp &, CallArgs &)> call;
};

// The walks over values below (==, <, repr, tojson) can be made exponential
// by lists that share sub-lists, so while a render runs they charge its step
// budget per container visited and its output cap per string they build
// (both fail with LimitError). Outside a render they cost nothing.
void walk_step();
void walk_size(size_t bytes);

bool truthy(const Value & v);
bool equals(const Value & a, const Value & b);
// Python's ordering; throws RenderError for unorderable types.
int compare(const Value & a, const Value & b);

std::string type_name(const Value & v);         // "str", "dict", "int", "NoneType"...
std::string object_type_repr(const Value & v);  // jinja2's "dict object", "None"
std::string to_str(const Value & v);            // Python str()
std::string repr(const Value & v);              // Python repr()
std::string repr_string(std::string_view s);
std::string html_escape(std::string_view s);  // markupsafe.escape: & < > " '
Value markup(std::string s);                  // a safe string
std::string format_float(double d);           // Python float repr: 0.5, 1e+16, 1.0

// Python strings index code points; ours are UTF-8.
std::vector<uint32_t> decode_utf8(std::string_view s);
void append_utf8(std::string & out, uint32_t cp);
size_t utf8_length(std::string_view s);

}  // namespace hearth::jinja
