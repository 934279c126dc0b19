"""The Bloblang syntax check: no false positives on Bento's docs, every broken mapping caught."""

from __future__ import annotations

import pytest

from bento_cf_component.bento import check_bento_config
from bento_cf_component.bento.bloblang import check_mapping, check_query, find_interpolations

from .cases import jsonl


def test_all_199_documented_mappings_pass() -> None:
    rows = jsonl("bloblang-valid.jsonl")
    assert len(rows) == 199
    failures = [(r["source"], r["block"], check_mapping(r["text"])) for r in rows]
    failures = [f for f in failures if f[2] is not None]
    assert failures == []


# (mapping, offset of the error, message) — offsets are characters into the mapping.
BROKEN = [
    ("root = this.", 12, "missing a name or value"),
    ("root = (this.a", 14, "missing ')'"),
    ("root = this.a)", 13, "unexpected ')'"),
    ("root = [1, 2", 12, "missing ']'"),
    ('root = {"a": 1', 14, "missing '}'"),
    ('root = "abc', 11, 'missing a closing "'),
    ('root = """abc', 13, 'missing a closing "'),
    ("root = this.a +* 2", 15, "unexpected '*'"),
    ("root = this.a === 2", 16, "unexpected '='"),
    ("root = this.a &&& this.b", 16, "unexpected '&'"),
    ("root =", 6, "missing a name or value"),
    ("root = this.foo(", 16, "missing ')'"),
    ("= this", 0, "unexpected '='"),
    ("root = if this.a { 1 ", 20, "missing '}'"),
    ("root = match this { ", 19, "missing '}'"),
    ("root = this.a.map_each(x -> )", 25, "unexpected '->'"),
    ("let = 5", 3, "missing a name or value"),
    ("root = this.a..b", 14, "missing a name or value"),
    ("root = 1 +", 10, "missing a name or value"),
    ("root = $", 7, "unexpected '$'"),
    ("root = this.a\nroot.b = ", 22, "missing a name or value"),
    ("@foo = 1", 5, "unexpected '='"),
    # Bento's layout rules, which the grammar does not enforce (see bloblang.py).
    ("root = this root.a = 1", 12, "statements must be separated by a newline"),
    ("root this", 0, "a bare query (shorthand for `root = …`) must be the whole mapping"),
    ("this.a\nroot.b = 1", 0, "a bare query (shorthand for `root = …`) must be the whole mapping"),
    ("map x { root = this root.a = 1 }", 20, "statements must be separated by a newline"),
    ("if this.a {\n  root.x = 1\n  this.b\n}", 27, "expected an assignment"),
]


@pytest.mark.parametrize(("text", "offset", "message"), BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_mapping_fails_with_its_location(text: str, offset: int, message: str) -> None:
    issue = check_mapping(text)
    assert issue is not None
    assert (issue.offset, issue.message) == (offset, message)


def test_enough_broken_mappings() -> None:
    assert len(BROKEN) >= 15


def test_unicode_offsets_are_characters_not_bytes() -> None:
    issue = check_mapping('root = "é" +')
    assert issue is not None and issue.offset == 12


@pytest.mark.parametrize(
    "query",
    ["this.a", ' meta("x") ', "@", 'count("c")', 'if this.a { "x" } else { "y" }', "this.a.or(5) + 1"],
)
def test_single_queries_pass(query: str) -> None:
    assert check_query(query) is None


def test_interpolations_are_found_with_braces_inside() -> None:
    found = find_interpolations('a-${! {"k":1}.k }-${!meta("x")}-${{! literal }}-${NOT_BLOBLANG}')
    assert [(i.query, i.issue) for i in found] == [(' {"k":1}.k ', None), ('meta("x")', None)]


def test_broken_interpolations() -> None:
    (unclosed,) = find_interpolations("${! this.a ")
    assert unclosed.issue is not None and unclosed.issue.message == "missing '}' to close '${!'"
    (bad,) = find_interpolations("x ${! @.key )}")
    assert bad.issue is not None and (bad.issue.offset, bad.issue.message) == (12, "unexpected ')'")


CONFIG = """input:
  http_server: {}
pipeline:
  processors:
    - mapping: |
        root = this
        root.total = this.a +* this.b
    - bloblang: 'root.x = (this.y'
    - branch:
        request_map: root = this.
        processors:
          - log:
              message: 'id ${! json("id" }'
    - switch:
        - check: this.kind == "a"
          processors:
            - mutation: root.kind = deleted()
output:
  sync_response: {}
"""


def test_errors_are_reported_at_their_place_in_the_file() -> None:
    result = check_bento_config(CONFIG, origin="b.yaml", pattern="request", declared_env=frozenset())
    assert [str(p).split(" — ")[0] for p in result.problems] == [
        # line 7: `        root.total = this.a +* this.b`, the `*` is column 30
        "b.yaml:7:30: pipeline.processors.0.mapping: Bloblang syntax error: unexpected '*'",
        # the missing `)` belongs where the quoted value ends
        "b.yaml:8:34: pipeline.processors.1.bloblang: Bloblang syntax error: missing ')'",
        "b.yaml:10:34: pipeline.processors.2.branch.request_map: "
        "Bloblang syntax error: missing a name or value",
        # `json("id" }`: the query ends at the only `}`, and lacks its `)` there
        "b.yaml:13:41: pipeline.processors.2.branch.processors.0.log.message: "
        "Bloblang syntax error in interpolation: missing ')'",
    ]
    assert result.mappings_checked == 6


def test_if_expression_alone_is_a_query_mapping() -> None:
    assert check_mapping('if this.a { "x" } else { "y" }') is None
    assert check_mapping('if this.a {\n  root = "x"\n  "y"\n}') is not None


def test_folded_scalar_that_glues_statements_is_caught() -> None:
    text = CONFIG.replace("    - mapping: |", "    - mapping: >").replace("this.a +* this.b", "this.a")
    result = check_bento_config(text, origin="b.yaml", pattern="request", declared_env=frozenset())
    first = result.problems[0]
    assert (first.line, first.message) == (
        7,
        "Bloblang syntax error: statements must be separated by a newline",
    )
