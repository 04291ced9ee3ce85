#!/usr/bin/env python3
"""Writes what Python jinja2 renders, for tests/templates/jinja_jinja2_test.cpp.

Renders as transformers.apply_chat_template does (the fixture conventions of
../shared/fixtures/templates/README.md): ImmutableSandboxedEnvironment with
trim_blocks, lstrip_blocks and loopcontrols, `{% generation %}`, the globals
raise_exception and strftime_now (fixed clock 2026-01-15 09:30:00), tojson as
json.dumps(ensure_ascii=False), bos_token "<|bos|>", eos_token "<|eos|>".

One addition: a `from_json` filter that is Python's json.loads, which is
what Hearth's from_json is (jinja2 has none; DeepSeek V3.2/V4 templates call
it on string tool-call arguments).

Writes
  expected/<template>/<case>.txt    the render, byte for byte
  expected/<template>/<case>.error  "Kind: message" when jinja2 raised
  semantics.json                    small templates x contexts (SEMANTICS below)

usage: make_expected.py FIXTURES_DIR   (run from anywhere; jinja2 3.1 required)
"""
import datetime
import json
import os
import sys

import jinja2
from jinja2.ext import Extension, loopcontrols
from jinja2.sandbox import ImmutableSandboxedEnvironment

HERE = os.path.dirname(os.path.abspath(__file__))

# Templates of data/source with every case; fixture templates with the extra
# cases only (their fixture cases have fixture goldens already).
FIXTURE_TEMPLATES_EXTRA_ONLY = ["openai-gpt-oss-120b", "Qwen3.5-4B", "Qwen3-Coder"]


class Generation(Extension):
    tags = {"generation"}

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        body = parser.parse_statements(["name:endgeneration"], drop_needle=True)
        return jinja2.nodes.CallBlock(self.call_method("_render"), [], [], body).set_lineno(lineno)

    def _render(self, caller):
        return caller()


def environment():
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[Generation, loopcontrols])

    def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
        return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)

    def raise_exception(message):
        raise jinja2.exceptions.TemplateError(message)

    def strftime_now(fmt):
        return datetime.datetime(2026, 1, 15, 9, 30, 0).strftime(fmt)

    env.filters["tojson"] = tojson
    env.filters["from_json"] = json.loads
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = strftime_now
    return env


def render(env, source, context):
    """('ok', text) or ('error', kind, message)."""
    try:
        template = env.from_string(source)
    except jinja2.exceptions.TemplateSyntaxError as e:
        return ("error", type(e).__name__, e.message)
    except Exception as e:  # noqa: BLE001 - TemplateAssertionError and kin
        return ("error", type(e).__name__, str(e))
    try:
        return ("ok", template.render(**context))
    except Exception as e:  # noqa: BLE001
        message = e.message if isinstance(e, jinja2.exceptions.TemplateError) and e.message else str(e)
        return ("error", type(e).__name__, message)


def case_context(case):
    ctx = {"messages": case["messages"], "add_generation_prompt": case["add_generation_prompt"],
           "bos_token": "<|bos|>", "eos_token": "<|eos|>"}
    if "tools" in case:
        ctx["tools"] = case["tools"]
    ctx.update(case.get("extra", {}))
    return ctx


def write_expected(env, name, source, cases):
    out_dir = os.path.join(HERE, "expected", name)
    os.makedirs(out_dir, exist_ok=True)
    for case in cases:
        result = render(env, source, case_context(case))
        base = os.path.join(out_dir, case["name"])
        for ext in (".txt", ".error"):
            if os.path.exists(base + ext):
                os.remove(base + ext)
        if result[0] == "ok":
            with open(base + ".txt", "w", encoding="utf-8", newline="") as f:
                f.write(result[1])
        else:
            with open(base + ".error", "w", encoding="utf-8", newline="") as f:
                f.write(f"{result[1]}: {result[2]}\n")


# Small templates whose jinja2 behaviour Hearth must match: when an unknown
# filter or test fails (compile time, or only when its `if` branch runs),
# recursive loops, namespace repr, from_json.
SEMANTICS = [
    ("filter_in_dead_if_branch", "ok{% if false %}{{ x | no_such }}{% endif %}", {}),
    ("filter_in_live_if_branch", "a\n{% if true %}{{ 1 | no_such }}{% endif %}", {}),
    ("filter_in_if_test", "{% if 1 | no_such %}x{% endif %}", {}),
    ("filter_in_dead_elif", "{% if true %}a{% elif x | no_such %}b{% else %}{{ y | no_such2 }}{% endif %}", {}),
    ("filter_in_live_else", "{% if false %}a{% else %}{{ 2 | no_such }}{% endif %}", {}),
    ("test_in_dead_branch", "{% if false %}{{ 1 is no_such_test }}{% endif %}ok", {}),
    ("test_in_if_test", "{% if 1 is no_such_test %}x{% endif %}", {}),
    ("filter_in_inline_if_dead", "{{ 'a' if true else (x | no_such) }}", {}),
    ("filter_in_inline_if_live", "{{ (x | no_such) if true else 'a' }}", {}),
    ("filter_at_top_level", "a{{ 1 | no_such }}", {}),
    ("test_at_top_level", "{{ 1 is no_such_test }}", {}),
    ("filter_in_for_in_if", "{% if false %}{% for x in [1] %}{{ x | no_such }}{% endfor %}{% endif %}", {}),
    ("filter_in_for_iterable_in_if", "{% if false %}{% for x in y | no_such %}{{ x }}{% endfor %}{% endif %}ok", {}),
    ("filter_in_for_iterable_live", "{% if true %}{% for x in [1] | no_such %}{{ x }}{% endfor %}{% endif %}", {}),
    ("filter_in_loop_condition", "{% if false %}{% for x in y if x | no_such %}{% endfor %}{% endif %}", {}),
    ("filter_in_macro_in_if", "{% if false %}{% macro m() %}{{ 1 | no_such }}{% endmacro %}{% endif %}", {}),
    ("filter_in_macro_default", "{% if false %}{% macro m(a=1 | no_such) %}{% endmacro %}{% endif %}", {}),
    ("filter_in_set_block_in_if", "{% if false %}{% set x | no_such %}a{% endset %}{% endif %}", {}),
    ("filter_block_in_if", "{% if false %}{% filter no_such %}a{% endfilter %}{% endif %}", {}),
    ("filter_in_with_value_in_if", "{% if false %}{% with a = 1 | no_such %}{{ a }}{% endwith %}{% endif %}ok", {}),
    ("filter_in_with_body_in_if", "{% if false %}{% with a = 1 %}{{ a | no_such }}{% endwith %}{% endif %}", {}),
    ("filter_in_set_in_if", "{% if false %}{% set a = 1 | no_such %}{% endif %}ok", {}),
    ("filter_in_call_block_call_in_if",
     "{% macro m() %}{{ caller() }}{% endmacro %}{% if false %}{% call m(1 | no_such) %}x{% endcall %}{% endif %}ok", {}),
    ("filter_in_call_block_body_in_if",
     "{% macro m() %}{{ caller() }}{% endmacro %}{% if false %}{% call m() %}{{ 1 | no_such }}{% endcall %}{% endif %}", {}),
    ("filter_in_generation_in_if", "{% if false %}{% generation %}{{ 1 | no_such }}{% endgeneration %}{% endif %}", {}),
    ("inline_if_inside_for_body", "{% for x in [1, 2] %}{{ x | no_such if x > 5 else x }}{% endfor %}", {}),
    ("inline_if_inside_for_body_live", "{% for x in [1, 9] %}{{ x | no_such if x > 5 else x }}{% endfor %}", {}),
    ("unknown_filter_arguments_first",
     "{% if true %}{{ 1 | no_such(undefined_var.attr) }}{% endif %}", {}),
    ("unknown_filter_operand_first", "{% if true %}{{ (1 // 0) | no_such }}{% endif %}", {}),
    ("map_with_unknown_filter", "{{ [1] | map('no_such') | list }}", {}),
    ("select_with_unknown_test", "{{ [1] | select('no_such') | list }}", {}),
    ("undefined_function_in_dead_branch", "{% if false %}{{ no_such_function(1) }}{% endif %}ok", {}),
    ("undefined_function_called", "{% if true %}{{ no_such_function(1) }}{% endif %}", {}),
    ("from_json_object", "{% set a = s | from_json %}{{ a.city }} {{ a.days + 1 }} {{ a | tojson }}",
     {"s": "{\"city\": \"Paris\", \"days\": 3, \"tags\": [\"x\", null, true, 1.5]}"}),
    ("from_json_scalars", "{{ '3' | from_json + 1 }} {{ '\"x\"' | from_json }} {{ 'null' | from_json }} {{ ' [1, 2] ' | from_json }}", {}),
    ("from_json_duplicate_keys", "{{ '{\"a\": 1, \"b\": 2, \"a\": 3}' | from_json }}", {}),
    ("from_json_not_a_string", "{{ {'a': 1} | from_json }}", {}),
    ("recursive_loop",
     "{% for x in items recursive %}[{{ loop.depth }}{{ loop.depth0 }}{{ x.n }}{% if x.c %}<{{ loop(x.c) }}>{% endif %}"
     "{{ loop.index }}/{{ loop.length }}]{% endfor %}",
     {"items": [{"n": "a", "c": [{"n": "b", "c": []}, {"n": "c"}]}, {"n": "d"}]}),
    ("recursive_loop_filter_and_else",
     "{% for x in items if x.n != 'b' recursive %}{{ x.n }}{% if x.c is defined %}<{{ loop(x.c) }}>{% endif %}"
     "{% else %}E{{ loop is defined }}{% endfor %}",
     {"items": [{"n": "a", "c": [{"n": "b"}]}, {"n": "d", "c": []}]}),
    ("recursive_loop_break", "{% for x in [[1, 2, 3], 4] recursive %}{% if x is iterable %}({{ loop(x) }}){% else %}{{ x }}"
     "{% if x == 2 %}{% break %}{% endif %}{% endif %}{% endfor %}", {}),
    ("recursive_loop_scope",
     "{% set z = 'z' %}{% for x in [[1, [2]]] recursive %}{% set w = 'w' %}{% if x is iterable %}{{ loop(x) }}"
     "{% else %}{{ x }}{{ z }}{{ w }}{% endif %}{% endfor %}", {}),
    ("recursive_loop_cycle", "{% for x in [[1, 2], 3] recursive %}{% if x is iterable %}{{ loop(x) }}"
     "{% else %}{{ loop.cycle('a', 'b') }}{{ x }}{% endif %}{% endfor %}", {}),
    ("loop_not_recursive", "{% for x in [1] %}{{ loop([2]) }}{% endfor %}", {}),
    ("loop_repr_and_callable", "{% for x in [1, 2] %}{{ loop }}{{ loop is callable }}{% endfor %}", {}),
    ("loop_else_scope", "{% for x in [] %}{% else %}{% set y = 1 %}{{ y }}{% endfor %}[{{ y }}]", {}),
    ("namespace_self_repr", "{% set ns = namespace() %}{% set ns.me = ns %}{{ ns }}", {}),
    ("namespace_shared_repr", "{% set ns = namespace(a=1) %}{% set ns.l = [ns, ns] %}{{ ns }}|{{ [ns] }}", {}),
    ("namespace_equality", "{% set ns = namespace() %}{{ ns == ns }}{{ namespace() == namespace() }}", {}),
]


def write_semantics(env):
    out = []
    for name, source, context in SEMANTICS:
        result = render(env, source, context)
        entry = {"name": name, "template": source, "context": context}
        if result[0] == "ok":
            entry["expected"] = result[1]
        else:
            entry["error_kind"] = result[1]
            entry["error_message"] = result[2]
        out.append(entry)
    with open(os.path.join(HERE, "semantics.json"), "w", encoding="utf-8", newline="\n") as f:
        json.dump(out, f, ensure_ascii=False, indent=1)
        f.write("\n")


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    fixtures = sys.argv[1]
    with open(os.path.join(fixtures, "templates", "cases.json"), encoding="utf-8") as f:
        fixture_cases = json.load(f)
    with open(os.path.join(HERE, "cases_extra.json"), encoding="utf-8") as f:
        extra_cases = json.load(f)
    env = environment()
    for file in sorted(os.listdir(os.path.join(HERE, "source"))):
        with open(os.path.join(HERE, "source", file), encoding="utf-8", newline="") as f:
            write_expected(env, file[:-len(".jinja")], f.read(), fixture_cases + extra_cases)
    for name in FIXTURE_TEMPLATES_EXTRA_ONLY:
        with open(os.path.join(fixtures, "templates", "source", name + ".jinja"), encoding="utf-8", newline="") as f:
            write_expected(env, name, f.read(), extra_cases)
    write_semantics(env)
    print("jinja2", jinja2.__version__, "- wrote", os.path.join(HERE, "expected"), "and semantics.json")


if __name__ == "__main__":
    main()
