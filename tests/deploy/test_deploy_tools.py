"""The Kubernetes manifests (deploy/k8s) against the Kubernetes JSON schemas bundled in kubernetes-validate, and
checkov's policies over the manifests and the Dockerfiles — offline (issue 14). Both tools run from .venv-tools
(`make deploy-tools`, requirements/tools-lock.txt, reviewed in docs/dependency-audit.md). checkov runs with its
network features off (--skip-download, BC_SKIP_MAPPING, no API key, no update check) and, where the kernel lets
us, inside a network namespace with no network at all, so a silent download would fail the test."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
TOOLS = ROOT / ".venv-tools" / "bin"
MANIFESTS = sorted((ROOT / "deploy" / "k8s").glob("*.yaml"))
DOCKERFILES = sorted((ROOT / "deploy").glob("Dockerfile.*"))

pytestmark = pytest.mark.deploy


def tool(name: str) -> str:
    path = TOOLS / name
    if not path.exists():
        pytest.fail(f"{path} is missing: run `make deploy-tools`")
    return str(path)


def offline(command, tmp_path):
    """Run `command` with no network: in a new network namespace when `unshare -n` works here (root or user
    namespaces), else with proxies pointing at a closed port. HOME is a temporary directory."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "BC_SKIP_MAPPING": "TRUE",
        "CKV_SKIP_PACKAGE_UPDATE_CHECK": "true",
        "BC_API_KEY": "",
        "HTTPS_PROXY": "http://127.0.0.1:9",
        "HTTP_PROXY": "http://127.0.0.1:9",
        "NO_PROXY": "",
    }
    unshare = shutil.which("unshare")
    if unshare and subprocess.run([unshare, "-n", "true"], capture_output=True).returncode == 0:
        command = [unshare, "-n", *command]
    elif unshare and subprocess.run([unshare, "-rn", "true"], capture_output=True).returncode == 0:
        command = [unshare, "-rn", *command]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)


def test_every_manifest_is_valid_against_the_kubernetes_schemas(tmp_path):
    assert len(MANIFESTS) >= 6
    result = offline([tool("kubernetes-validate"), "--strict", *map(str, MANIFESTS)], tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    passed = [line for line in result.stdout.splitlines() if " passed for resource " in line]
    objects = sum(1 for m in MANIFESTS for doc in yaml.safe_load_all(m.read_text(encoding="utf-8")) if doc)
    assert len(passed) == objects, result.stdout  # every object of every file was checked
    for manifest in MANIFESTS:
        assert any(manifest.name in line for line in passed), manifest


def test_a_broken_manifest_is_refused(tmp_path):
    """The validator really checks: an unknown field and a wrong type are errors."""
    broken = tmp_path / "broken.yaml"
    text = (ROOT / "deploy" / "k8s" / "actions.yaml").read_text(encoding="utf-8")
    broken.write_text(text.replace("replicas: 2", "replicas: two\n  replicaz: 2"), encoding="utf-8")
    result = offline([tool("kubernetes-validate"), "--strict", str(broken)], tmp_path)
    assert result.returncode != 0, result.stdout


def checkov(tmp_path, *targets):
    command = [tool("checkov"), "--framework", "kubernetes", "dockerfile", "--skip-download", "--compact", "-o", "json"]
    for target in targets:
        command += ["-f", str(target)]
    result = offline(command, tmp_path)
    reports = json.loads(result.stdout)
    return result, reports if isinstance(reports, list) else [reports]


def test_checkov_finds_nothing_in_the_manifests_and_dockerfiles_and_every_skip_has_a_reason(tmp_path):
    result, reports = checkov(tmp_path, *MANIFESTS, *DOCKERFILES)
    kinds = {report["check_type"]: report for report in reports}
    assert set(kinds) == {"kubernetes", "dockerfile"}, result.stderr
    for kind, report in kinds.items():
        assert report["summary"]["parsing_errors"] == 0, kind
        assert report["summary"]["passed"] > 40, kind
        failed = [(c["check_id"], c["resource"]) for c in report["results"]["failed_checks"]]
        assert failed == [], failed
        for skipped in report["results"].get("skipped_checks", []):
            reason = skipped.get("suppress_comment") or skipped.get("check_result", {}).get("suppress_comment")
            assert len(reason or "") > 20, skipped["check_id"]
    assert result.returncode == 0, result.stderr[-2000:]
    assert kinds["kubernetes"]["summary"]["skipped"] <= 6  # image digests of our own images + env secrets


def test_checkov_would_catch_a_weakened_pod(tmp_path):
    """The scan really looks: the same Deployment run as root with privilege escalation fails it."""
    weak = tmp_path / "weak.yaml"
    text = (ROOT / "deploy" / "k8s" / "actions.yaml").read_text(encoding="utf-8")
    weak.write_text(
        text.replace("allowPrivilegeEscalation: false", "allowPrivilegeEscalation: true").replace(
            "runAsNonRoot: true", "runAsNonRoot: false"
        ),
        encoding="utf-8",
    )
    _, reports = checkov(tmp_path, weak)
    failed = {c["check_id"] for report in reports for c in report["results"]["failed_checks"]}
    assert "CKV_K8S_20" in failed, failed  # containers should not allow privilege escalation
