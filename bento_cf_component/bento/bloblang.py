"""Bloblang syntax check, through the tree-sitter-bloblang grammar.

Findings on this grammar (tree-sitter-bloblang 0.2.4, tree-sitter 0.26.1), checked by the tests:

* It parses all 199 mappings of Bento's docs in ``../shared/cases/bloblang-valid.jsonl``
  without an ERROR or MISSING node, taken as they are (no wrapping needed).
* Broken mappings surface as ``ERROR`` nodes (unexpected text) or zero-width ``MISSING`` nodes
  (an expected token such as ``)`` or a name is absent); both carry positions.
* It is newline-insensitive where Bento is not: Bento's parser (``mapping_parser.go``)
  requires a newline between statements and accepts a bare query (``this.foo``, shorthand for
  ``root = this.foo``) only as the *whole* mapping. The grammar accepts ``root = a root.b = c``
  and ``root this``. Those two rules are checked here on the tree, so folded YAML scalars
  (``>``) that glue statements onto one line are caught too.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import tree_sitter
import tree_sitter_bloblang

_STATEMENTS = frozenset(
    {
        "assignment",
        "let_statement",
        "meta_statement",
        "map_definition",
        "import_statement",
        "from_statement",
        "if_statement",
        "expression_statement",
    }
)
_BLOCKS = frozenset({"source_file", "map_definition", "if_statement"})
_MISSING_NAMES = {"identifier": "a name or value", '"': 'a closing "'}


@dataclass(frozen=True)
class SyntaxIssue:
    """A syntax error at a character offset of the checked text."""

    offset: int
    message: str


@lru_cache(maxsize=1)
def _parser() -> tree_sitter.Parser:
    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_bloblang.language()))


def _char_offset(data: bytes, byte_offset: int) -> int:
    # tree-sitter counts bytes; findings are reported in characters.
    return len(data[:byte_offset].decode("utf-8", errors="replace"))


def _first_error(node: tree_sitter.Node) -> tree_sitter.Node | None:
    """The innermost, first ERROR or MISSING node (document order)."""
    for child in node.children:
        if child.is_missing:
            return child
        if child.has_error or child.is_error:
            inner = _first_error(child)
            if inner is not None:
                return inner
            if child.is_error:
                return child
    return node if (node.is_error or node.is_missing) else None


def _describe(node: tree_sitter.Node, data: bytes) -> str:
    if node.is_missing:
        return f"missing {_MISSING_NAMES.get(node.type, repr(node.type))}"
    snippet = data[node.start_byte : node.end_byte].decode("utf-8", errors="replace").strip()
    snippet = snippet.splitlines()[0] if snippet else ""
    if len(snippet) > 24:
        snippet = snippet[:24] + "…"
    return f"unexpected {snippet!r}" if snippet else "unexpected end of mapping"


def _is_query_if(node: tree_sitter.Node) -> bool:
    # `if c { "x" } else { "y" }` alone is a query (an if *expression*); the grammar parses it
    # as an if statement whose branches are bare expressions.
    bodies = [c for c in node.named_children if c.type in _STATEMENTS]
    return (
        node.type == "if_statement" and bool(bodies) and all(c.type == "expression_statement" for c in bodies)
    )


def _layout_issue(root: tree_sitter.Node, data: bytes) -> SyntaxIssue | None:
    """Bento's statement layout rules that the grammar does not enforce."""
    statements = [c for c in root.named_children if c.type in _STATEMENTS]
    if len(statements) == 1 and _is_query_if(statements[0]):
        return None
    if len(statements) > 1:
        for stmt in statements:
            if stmt.type == "expression_statement":
                return SyntaxIssue(
                    _char_offset(data, stmt.start_byte),
                    "a bare query (shorthand for `root = …`) must be the whole mapping",
                )
    return _same_line_issue(root, data)


def _same_line_issue(block: tree_sitter.Node, data: bytes) -> SyntaxIssue | None:
    previous: tree_sitter.Node | None = None
    for child in block.children:
        if child.type == "comment":
            continue
        if child.type in _STATEMENTS:
            if previous is not None and child.start_point.row == previous.end_point.row:
                return SyntaxIssue(
                    _char_offset(data, child.start_byte), "statements must be separated by a newline"
                )
            if child.type != "expression_statement" and child.type in _BLOCKS:
                nested = _same_line_issue(child, data)
                if nested is not None:
                    return nested
            if child.type == "expression_statement" and block.type != "source_file":
                return SyntaxIssue(_char_offset(data, child.start_byte), "expected an assignment")
            previous = child
        else:
            previous = None  # a brace, `else` or condition separates statements
    return None


def check_mapping(text: str) -> SyntaxIssue | None:
    """First syntax error of a Bloblang mapping, or None."""
    data = text.encode("utf-8")
    root = _parser().parse(data).root_node
    if root.has_error:
        bad = _first_error(root)
        if bad is not None:
            return SyntaxIssue(_char_offset(data, bad.start_byte), _describe(bad, data))
        return SyntaxIssue(0, "syntax error")  # pragma: no cover - has_error implies a node
    return _layout_issue(root, data)


def check_query(text: str) -> SyntaxIssue | None:
    """First syntax error of a single Bloblang query (the inside of ``${! … }``)."""
    data = text.encode("utf-8")
    root = _parser().parse(data).root_node
    if root.has_error:
        bad = _first_error(root)
        offset = _char_offset(data, bad.start_byte) if bad is not None else 0
        return SyntaxIssue(offset, _describe(bad, data) if bad is not None else "syntax error")
    statements = [c for c in root.named_children if c.type != "comment"]
    if not statements:
        return SyntaxIssue(0, "empty interpolation")
    if len(statements) > 1 or not (
        statements[0].type == "expression_statement" or _is_query_if(statements[0])
    ):
        extra = statements[1] if len(statements) > 1 else statements[0]
        return SyntaxIssue(_char_offset(data, extra.start_byte), "expected a single query")
    return None


@dataclass(frozen=True)
class Interpolation:
    """One ``${! query }`` inside a string field."""

    start: int  # offset of ``${!`` in the string
    query_start: int
    query: str
    issue: SyntaxIssue | None  # offsets relative to the string


def find_interpolations(value: str) -> list[Interpolation]:
    """Every ``${! … }`` in a string, each with its own syntax verdict.

    Bento parses a query and then expects ``}`` (``field_parser.go``); the query itself may
    contain braces, so the end is the first ``}`` after which the inside parses as one query.
    ``${{! … }}`` is Bento's escape for a literal and is skipped.
    """
    found: list[Interpolation] = []
    pos = 0
    while True:
        start = value.find("${", pos)
        if start < 0:
            return found
        if value.startswith("${{!", start):
            close = value.find("}}", start)
            pos = close + 2 if close >= 0 else len(value)
            continue
        if not value.startswith("${!", start):
            pos = start + 2
            continue
        q0 = start + 3
        end = -1
        first_issue: SyntaxIssue | None = None
        close = value.find("}", q0)
        while close >= 0:
            issue = check_query(value[q0:close])
            if issue is None:
                end = close
                break
            first_issue = issue
            close = value.find("}", close + 1)
        if end >= 0:
            found.append(Interpolation(start, q0, value[q0:end], None))
            pos = end + 1
            continue
        if first_issue is None:
            first_issue = SyntaxIssue(len(value) - q0, "missing '}' to close '${!'")
        found.append(
            Interpolation(start, q0, value[q0:], SyntaxIssue(q0 + first_issue.offset, first_issue.message))
        )
        return found
