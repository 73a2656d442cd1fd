"""The benchmarks' report formatting on made-up figures (the benchmarks themselves take minutes to hours)."""

from ops import bench, bench_cluster, bench_telegram
from ops.bench_common import markers, parse_args, publish, write_section
from tests.support.repo import ROOT


def test_bench_table_shows_both_configs_and_dashes_for_missing():
    ours = {"macro_f1": 0.9712, "p50_1_ms": 41.6, "msgs_per_s": 12.34, "train_s": float("nan")}
    default = {"macro_f1": 0.9}
    text = bench.table({"ours": ours, "default": default})
    assert "| Intent macro-F1, English held-out split | 0.971 | 0.900 | ≥ 0.96 |" in text
    assert "| REST p50, 1 user (ms) | 42 | — | ≤ default |" in text
    assert "| Messages/s, 20 users | 12.3 | — |" in text
    assert "| Full training, wall clock (s) | — | — |" in text  # NaN is shown as a dash


def test_telegram_table():
    results = {
        "start_s": 1.234,
        "rss_idle_mib": 60.2,
        "rss_peak_mib": 120.7,
        "direct_p50_ms": 40.4,
        "direct_p95_ms": 80.6,
        "bridge_p50_ms": 55.0,
        "bridge_p95_ms": 99.9,
        "overhead_p50_ms": 14.6,
        "overhead_p95_ms": 19.3,
        "load_messages": 200,
        "messages_per_s": 21.26,
    }
    text = bench_telegram.table(results, chats=50, messages=40)
    assert "| 1.23 s | < 2 s ✅ |" in text
    assert "| 60 / 121 MiB | < 100 MiB ❌ |" in text
    assert "| 40 / 81 ms |" in text and "| 15 / 19 ms | p50 < 50 ms ✅ |" in text
    assert "21.3 messages/s" in text


def test_cluster_table_and_ratio():
    def pace(messages, per_s):
        return {
            "messages": messages,
            "errors": 0,
            "error_kinds": [],
            "p50_ms": 100.4,
            "p95_ms": 300.5,
            "p99_ms": 900.0,
            "msgs_per_s": per_s,
        }

    results = {
        n: {**{p: pace(600 * n, 10.0 * n) for p in bench_cluster.PACES}, "rss_mib": {"nginx": 5.0}} for n in (1, 2)
    }
    text = bench_cluster.table(results, users=100, seconds=60)
    assert "| back to back | 2 | 1200 | 0 | 100 | 300 | 900 | 20.0 |" in text
    assert "**2.00×**" in text
    assert "- 1 server(s): nginx 5" in text


def test_write_section_replaces_only_its_own_section(tmp_path):
    out = tmp_path / "benchmarks.md"
    out.write_text("# Benchmarks\n\nintro\n\n<!-- a:start -->\nold\n<!-- a:end -->\n\ntail\n", encoding="utf-8")
    write_section(out, "new", "<!-- a:start -->", "<!-- a:end -->")
    write_section(out, "other", "<!-- b:start -->", "<!-- b:end -->")
    text = out.read_text(encoding="utf-8")
    assert "old" not in text and "<!-- a:start -->\nnew\n<!-- a:end -->" in text
    assert text.index("intro") < text.index("new") < text.index("tail") < text.index("other")


def test_a_section_says_where_and_how_it_was_measured(tmp_path, capsys):
    out = tmp_path / "benchmarks.md"
    body = publish("load", "Load", "Text.\n\n| table |", out)
    assert body.startswith("## Load\n\nMeasured ")
    assert "CPUs, Python 3." in body and "with `make bench` (this part alone: `make bench-load`). Text." in body
    written = out.read_text(encoding="utf-8")
    assert f"<!-- load-bench:start -->\n{body}\n<!-- load-bench:end -->" in written
    assert body in capsys.readouterr().out


def test_bench_sections_are_the_ones_make_and_the_main_report_know():
    import re

    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for name in ("telegram", "cluster"):
        start, end = markers(name)
        assert re.fullmatch(r"<!-- (\w+)-bench:start -->", start) and end == start.replace("start", "end")
        assert f"bench-{name}:" in makefile and f"-m ops.bench_{name} --out docs/benchmarks.md" in makefile


def test_bench_options_are_typed_like_their_defaults():
    args = parse_args("Doc line\nmore", ["--seconds", "2.5", "--users", "7", "--out", "x.md"], users=100, seconds=60.0)
    assert (args.users, args.seconds, str(args.out)) == (7, 2.5, "x.md")
    assert parse_args("Doc", [], chats=50).out is None
