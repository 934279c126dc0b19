"""``${VAR}`` scanning follows Bento's env_vars.go (cases taken from its env_vars_test.go)."""

from __future__ import annotations

import pytest

from bento_cf_component.bento.interpolation import scan_env_refs, substitute


@pytest.mark.parametrize(
    ("raw", "resolved"),
    [
        ("foo ${DOES_NOT_EXIST:} baz", "foo  baz"),
        ("foo ${BENTO_TEST_FOO:bar} baz", "foo bar baz"),
        ("foo ${BENTO.TEST.FOO:bar} baz", "foo bar baz"),
        ("foo ${BENTO_TEST_FOO:http://bar.com?wat=nuh} baz", "foo http://bar.com?wat=nuh baz"),
        ("foo ${BENTO_TEST_FOO:tcp://*:2020} baz", "foo tcp://*:2020 baz"),
        ("foo ${} baz", "foo ${} baz"),
        ("foo ${BENTO_TEST_FOO:foo,bar} baz", "foo foo,bar baz"),
        (
            "foo ${BENTO_TEST_FOO:${!metadata:foo}${!metadata:bar}} baz",
            "foo ${!metadata:foo}${!metadata:bar} baz",
        ),
        ("foo ${{BENTO_TEST_FOO:bar}} baz", "foo ${BENTO_TEST_FOO:bar} baz"),
        ("foo ${{BENTO_TEST_FOO}} baz", "foo ${BENTO_TEST_FOO} baz"),
        ("foo ${DOES_NOT_EXIST::} baz", "foo : baz"),
        ('${! this.a } ${!meta("x")}', '${! this.a } ${!meta("x")}'),
        # No default and no value known: the bare name stands in (YAML- and Bloblang-safe).
        ("foo ${NEEDED} baz", "foo NEEDED baz"),
    ],
)
def test_substitution_matches_bento_with_unset_variables(raw: str, resolved: str) -> None:
    assert substitute(raw).text == resolved


def test_refs_record_name_default_and_place() -> None:
    refs = scan_env_refs("a: ${A}\nb: ${B:}\nc: ${C:x}\nd: ${{D}}\n")
    assert [(r.name, r.default, r.start) for r in refs] == [("A", None, 3), ("B", "", 11), ("C", "x", 20)]


def test_offsets_map_back_to_the_raw_text() -> None:
    raw = "x: ${LONG_NAME:1} + ${N} ${{E}} tail"
    sub = substitute(raw)
    assert sub.text == "x: 1 + N ${E} tail"
    for word in ("+", "tail"):
        assert sub.offsets.to_raw(sub.text.index(word)) == raw.index(word)
    assert sub.offsets.to_raw(sub.text.index("1")) == raw.index("${LONG_NAME")
