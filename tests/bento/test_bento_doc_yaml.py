"""The 414 YAML blocks of Bento's docs: the check never crashes, whatever the block holds."""

from __future__ import annotations

import random

from bento_cf_component.bento import BentoCheckResult, check_bento_config

from .cases import jsonl, need

# Only the http_server docs' two examples and the sync-responses guide's example are whole
# request-driven configs; the rest are field snippets, component examples without an input, or
# configs for pull inputs.
USABLE_FOR_REQUEST = [
    ("website/docs/components/inputs/http_server.md", 0),
    ("website/docs/components/inputs/http_server.md", 1),
    ("website/docs/guides/sync_responses.md", 2),
]
# Real mistakes in Bento's docs that the Bloblang check finds (both confirmed by reading them):
# an interpolation closed by `)}` and an args_mapping with one `}` too few.
DOC_BLOBLANG_ERRORS = [
    "website/docs/components/outputs/redis_hash.md#0:6:26: output.redis_hash.key: "
    "Bloblang syntax error in interpolation: unexpected ')'",
    "website/docs/components/processors/elasticsearch.md#0:8:75: elasticsearch.args_mapping: "
    "Bloblang syntax error: missing '}'",
]


def test_every_block_gives_a_result_never_an_exception() -> None:
    rows = jsonl("bento-doc-yaml.jsonl")
    assert len(rows) == 414
    usable: list[tuple[str, int]] = []
    bloblang: list[str] = []
    for pattern in ("request", "queue", "durable-object"):
        for row in rows:
            origin = f"{row['source']}#{row['block']}"
            result = check_bento_config(row["text"], origin=origin, pattern=pattern, declared_env=frozenset())
            assert isinstance(result, BentoCheckResult)
            assert not [p for p in result.problems if "internal error" in p.message], origin
            for problem in (*result.problems, *result.warnings):
                assert "\n" not in str(problem)
            if pattern == "request":
                if result.ok:
                    usable.append((row["source"], row["block"]))
                bloblang += [str(p).split(" — ")[0] for p in result.problems if "Bloblang" in p.message]
    print(f"doc YAML blocks usable for request: {len(usable)} of {len(rows)}")
    assert usable == USABLE_FOR_REQUEST
    assert bloblang == DOC_BLOBLANG_ERRORS


def test_mangled_configs_still_give_results() -> None:
    # Deleting/inserting YAML and Bloblang punctuation at random must never escape as an exception.
    rng = random.Random(7)
    punctuation = "{}[]:-'\"|>\n\t $!#&*?,%@`=\\"
    for path in sorted(need("bento-configs").glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        for _ in range(5):
            chars = list(text)
            for _ in range(rng.randint(1, 4)):
                i = rng.randrange(max(len(chars), 1))
                if rng.random() < 0.5 and chars:
                    del chars[min(i, len(chars) - 1)]
                else:
                    chars.insert(i, rng.choice(punctuation))
            result = check_bento_config(
                "".join(chars), origin=path.name, pattern="queue", declared_env=frozenset()
            )
            assert not [p for p in result.problems if "internal error" in p.message]
            assert all("\n" not in str(p) for p in (*result.problems, *result.warnings))
