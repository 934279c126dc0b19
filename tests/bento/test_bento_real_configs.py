"""The 53 configs from Bento's repository, classified for the request pattern."""

from __future__ import annotations

from bento_cf_component.bento import check_bento_config

from .cases import need

# file → "usable" or the key_path of the first problem. None of Bento's own example configs is
# a request-driven service as written: most are unit-test fixtures with no input (stdin by
# default), the rest pull from Kafka/Discord/generators or switch the HTTP server off.
EXPECTED = {
    "config__examples__discord_bot.yaml": "input.discord",
    "config__examples__joining_streams.yaml": "input.broker.inputs.0.kafka",
    "config__examples__resources__resources.yaml": "cache_resources",
    "config__examples__resources__set_grab_cache.yaml": "input",
    "config__examples__site_analytics.yaml": "input.http_server.address",
    "config__examples__track_benthos_downloads.yaml": "input",
    "config__test__awk.yaml": "input",
    "config__test__awk_bento_test.yaml": "tests",
    "config__test__bloblang__also_tests_boolean_operands.yaml": "tests",
    "config__test__bloblang__boolean_operands.yaml": "input",
    "config__test__bloblang__cache_resource.yaml": "input",
    "config__test__bloblang__cities_test.yaml": "tests",
    "config__test__bloblang__csv.yaml": "input",
    "config__test__bloblang__csv_formatter_test.yaml": "tests",
    "config__test__bloblang__env.yaml": "input",
    "config__test__bloblang__fans.yaml": "input",
    "config__test__bloblang__github_releases_test.yaml": "tests",
    "config__test__bloblang__literals.yaml": "input",
    "config__test__bloblang__message_expansion.yaml": "input",
    "config__test__bloblang__walk_json.yaml": "input",
    "config__test__bloblang__windowed.yaml": "input",
    "config__test__cookbooks__filtering.yaml": "input",
    "config__test__cookbooks__filtering_bento_test.yaml": "tests",
    "config__test__deduplicate.yaml": "input",
    "config__test__deduplicate_by_batch.yaml": "input",
    "config__test__deduplicate_lifo.yaml": "input",
    "config__test__deduplicate_lru.yaml": "input",
    "config__test__deduplicate_ttlru.yaml": "input",
    "config__test__env_var_stuff.yaml": "input",
    "config__test__files_for_content.yaml": "input",
    "config__test__filters.yaml": "input",
    "config__test__infile_resource_mock.yaml": "input",
    "config__test__json_contains_predicate.yaml": "processor_resources",
    "config__test__mock_http_proc.yaml": "input",
    "config__test__mock_http_proc_path.yaml": "input",
    "config__test__protobuf__house.yaml": "input",
    "config__test__protobuf__people.yaml": "input",
    "config__test__resources__other_mappings.yaml": "processor_resources",
    "config__test__resources__other_mappings_bento_test.yaml": "tests",
    "config__test__resources__some_mappings.yaml": "processor_resources",
    "config__test__structured_metadata.yaml": "input.stdin",
    "config__test__unit_test_example.yaml": "input.kafka",
    "config__test__unit_test_example_bento_test.yaml": "tests",
    "resources__docker__profiling__config.yaml": "input.generate",
    "resources__docker__schema_registry__in.yaml": "http.enabled",
    "resources__docker__schema_registry__out.yaml": "http.enabled",
    "resources__docker__streams_mode__bento.yaml": "output_resources",
    "resources__docker__streams_mode__streams__bars.yaml": "input.generate",
    "resources__docker__streams_mode__streams__foos.yaml": "input.generate",
    "resources__docker__tracing__a.yaml": "http.enabled",
    "resources__docker__tracing__b.yaml": "http.enabled",
    "resources__docker__tracing__c.yaml": "http.enabled",
    "resources__plugin_example__config.yaml": "input.faker",
}


def _classify(text: str, name: str) -> str:
    result = check_bento_config(text, origin=name, pattern="request", declared_env=frozenset())
    return "usable" if result.ok else result.problems[0].key_path


def test_all_53_configs_are_classified_as_recorded() -> None:
    folder = need("bento-configs")
    files = sorted(folder.glob("*.yaml"))
    assert len(files) == 53
    got = {f.name: _classify(f.read_text(encoding="utf-8"), f.name) for f in files}
    assert got == EXPECTED


def test_every_rejection_is_one_located_line_with_a_fix() -> None:
    for f in sorted(need("bento-configs").glob("*.yaml")):
        result = check_bento_config(
            f.read_text(encoding="utf-8"), origin=f.name, pattern="request", declared_env=frozenset()
        )
        for problem in result.problems:
            line = str(problem)
            assert "\n" not in line and line.startswith(f.name)
            assert problem.fix and " — " in line
            assert "internal error" not in line


def test_bentos_own_mappings_and_interpolations_all_pass() -> None:
    checked = 0
    for f in sorted(need("bento-configs").glob("*.yaml")):
        result = check_bento_config(
            f.read_text(encoding="utf-8"), origin=f.name, pattern="request", declared_env=frozenset()
        )
        assert not [p for p in result.problems if "Bloblang" in p.message], f.name
        checked += result.mappings_checked
    assert checked == 96


def test_site_analytics_becomes_usable_once_it_shares_the_main_port() -> None:
    text = (need("bento-configs") / "config__examples__site_analytics.yaml").read_text(encoding="utf-8")
    fixed = text.replace("    address: 0.0.0.0:4196\n", "")
    result = check_bento_config(fixed, origin="site.yaml", pattern="request", declared_env=frozenset())
    assert result.ok, [str(p) for p in result.problems]
    assert (result.port, result.input_path, result.input_methods) == (4195, "/poke", ("POST", "HEAD"))
    assert result.response_mode == "accepted"
    assert result.mappings_checked == 5  # 3 label interpolations, the bloblang processor, metrics.mapping
