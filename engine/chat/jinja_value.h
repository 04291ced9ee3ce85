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
    std::string text;  // the string, or for Undefined the message an access would raise
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

struct ListData {
    std::vector<Value> items;
    bool tuple = false;
};

struct DictData {
    DictTag tag = DictTag_plain;
    std::string type_name;  // for DictTag_object: "LoopContext", "Cycler"...
    std::vector<std::pair<Value, Value>> entries;  // insertion order, as Python dicts

    const Value * find(const Value & key) const;
    const Value * find(std::string_view key) const;
    void set(const Value & key, Value value);
};

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

bool truthy(const Value & v);
bool equals(const Value & a, const Value & b);
// Python's ordering; throws RenderError for unorderable types.
int compare(const Value & a, const Value & b);

std::string type_name(const Value & v);        // "str", "dict", "int", "NoneType"...
std::string object_type_repr(const Value & v);  // jinja2's "dict object", "None"
std::string to_str(const Value & v);            // Python str()
std::string repr(const Value & v);              // Python repr()
std::string repr_string(std::string_view s);
std::string html_escape(std::string_view s);  // markupsafe.escape: & < > " '
Value markup(std::string s);                   // a safe string
std::string format_float(double d);             // Python float repr: 0.5, 1e+16, 1.0

// Python strings index code points; ours are UTF-8.
std::vector<uint32_t> decode_utf8(std::string_view s);
void append_utf8(std::string & out, uint32_t cp);
size_t utf8_length(std::string_view s);

}  // namespace hearth::jinja
