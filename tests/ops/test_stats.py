"""ops/stats.py: the one definition of the benchmark figures, checked against values worked out by hand."""

import ast
import math
import statistics
from pathlib import Path

import pytest

from ops.stats import mean, percentile, rate, summary

OPS = Path(__file__).resolve().parents[2] / "ops"


@pytest.mark.parametrize(
    "values, share, expected",
    [
        ([1, 2, 3, 4], 0.5, 2.5),  # position 0.5 * 3 = 1.5: halfway between 2 and 3
        ([1, 2, 3, 4], 0.95, 3.85),  # position 2.85: 3 + 0.85 * (4 - 3)
        ([4, 1, 3, 2], 0.0, 1),  # unsorted input; the smallest
        ([4, 1, 3, 2], 1.0, 4),  # the largest
        ([15, 20, 35, 40, 50], 0.4, 29),  # position 1.6: 20 + 0.6 * 15
        ([15, 20, 35, 40, 50], 0.95, 48),  # position 3.8: 40 + 0.8 * 10
        ([15, 20, 35, 40, 50], 0.5, 35),  # odd count: the middle value
        ([7], 0.99, 7),
    ],
)
def test_percentile_by_hand(values, share, expected):
    assert percentile(values, share) == pytest.approx(expected)


def test_p50_is_the_median_and_matches_the_inclusive_quantiles():
    values = [0.31, 0.12, 0.95, 0.4, 0.27, 0.66, 0.18]
    assert percentile(values, 0.5) == pytest.approx(statistics.median(values))
    cuts = statistics.quantiles(values, n=20, method="inclusive")  # 5 %, 10 %, …, 95 %
    assert percentile(values, 0.95) == pytest.approx(cuts[-1])
    assert percentile(values, 0.05) == pytest.approx(cuts[0])


def test_empty_and_bad_shares():
    assert math.isnan(percentile([], 0.5))
    with pytest.raises(ValueError):
        percentile([1, 2], 95)


def test_mean_rate_summary():
    assert mean([1, 2, 3, 4]) == 2.5
    assert math.isnan(mean([]))
    assert rate(10, 4) == 2.5
    assert math.isnan(rate(3, 0))
    figures = summary([0.1, 0.3, 0.2], shares=(0.5, 0.95, 0.99))  # seconds in, milliseconds out
    assert list(figures) == ["p50_ms", "p95_ms", "p99_ms"]
    assert figures["p50_ms"] == pytest.approx(200)
    assert figures["p95_ms"] == pytest.approx(290)  # position 1.9: 200 + 0.9 * 100
    assert figures["p99_ms"] == pytest.approx(298)


def _imports(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)


def test_benchmarks_share_helpers_instead_of_importing_each_other():
    benches = sorted(OPS.glob("bench*.py"))
    assert {p.stem for p in benches} >= {"bench", "bench_common", "bench_telegram", "bench_cluster"}
    for path in benches:
        others = {m for m in _imports(path) if m.startswith("ops.bench") and m != "ops.bench_common"}
        assert not others, f"{path.name} imports {others}: shared helpers belong in ops/bench_common.py"


def test_no_second_percentile_or_median_in_ops():
    for path in OPS.rglob("*.py"):
        if path.name == "stats.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        defined = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
        assert not defined & {"percentile", "median", "quantile"}, path
        assert "statistics" not in set(_imports(path)), f"{path.name}: figures come from ops/stats.py"
