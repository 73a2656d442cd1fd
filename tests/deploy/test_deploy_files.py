"""The deployment files keep the promises the cluster tests check on one machine (issue 14): conversations in Redis
memory only (no snapshot, no append-only file, no volume), a Redis password from a secret wired into the tracker
and lock stores, no `*` CORS origin, no secret value committed, hardened pods (non-root, read-only root FS, no
capabilities, no privilege escalation, seccomp), resource limits everywhere, TLS + HSTS and no access log at the
ingress, default-deny network policies, base images pinned by digest, packages installed by hash."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
K8S = sorted((DEPLOY / "k8s").glob("*.yaml"))
DOCKERFILES = sorted(DEPLOY.glob("Dockerfile.*"))


def documents():
    for path in K8S:
        for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if doc:
                yield path.name, doc


def by_kind(kind):
    return [(name, doc) for name, doc in documents() if doc["kind"] == kind]


def pod_specs():
    for name, doc in by_kind("Deployment") + by_kind("StatefulSet") + by_kind("DaemonSet"):
        yield f"{name}:{doc['metadata']['name']}", doc["spec"]["template"]["spec"]


def containers():
    for where, spec in pod_specs():
        for container in spec.get("containers", []) + spec.get("initContainers", []):
            yield f"{where}/{container['name']}", spec, container


def test_the_manifests_cover_every_part():
    names = {doc["metadata"]["name"] for _, doc in by_kind("Deployment")}
    assert names == {"gsdoa-rasa", "gsdoa-actions", "gsdoa-telegram", "gsdoa-redis"}
    assert {doc["metadata"]["name"] for _, doc in by_kind("Service")} == names
    assert len(by_kind("Ingress")) == 2  # public paths (rate-limited) and the Telegram webhook (not)


def test_redis_runs_without_persistence_everywhere():
    redis = [c for where, _, c in containers() if c["name"] == "redis"]
    assert len(redis) == 1
    command = " ".join(redis[0].get("command", []) + redis[0].get("args", []))
    assert '--save ""' in command and "--appendonly no" in command
    assert "--appendonly yes" not in command
    # no volume that outlives the pod anywhere in the manifests
    assert by_kind("PersistentVolumeClaim") == [] and by_kind("StatefulSet") == []
    for where, spec in pod_specs():
        for volume in spec.get("volumes", []):
            assert set(volume) & {"emptyDir", "secret", "configMap"}, (where, volume)
    helm = yaml.safe_load((DEPLOY / "helm-values.yaml").read_text(encoding="utf-8"))["redis"]
    assert helm["master"]["persistence"]["enabled"] is False
    assert 'save ""' in helm["commonConfiguration"] and "appendonly no" in helm["commonConfiguration"]
    # the one-machine cluster (ops/cluster.py) and any other file: never an append-only file or a save point
    for path in [ROOT / "ops" / "cluster.py", *DEPLOY.rglob("*")]:
        if path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            assert not re.search(r'appendonly["\s,:]+"?yes', text, re.I), path
            assert not re.search(r'--save["\s,]+"[0-9]', text), path


def test_the_redis_password_comes_from_a_secret_into_the_tracker_and_lock_store():
    endpoints = yaml.safe_load((DEPLOY / "endpoints.production.yml").read_text(encoding="utf-8"))
    assert endpoints["tracker_store"]["password"] == "${REDIS_PASSWORD}"
    assert endpoints["lock_store"]["password"] == "${REDIS_PASSWORD}"
    rasa = next(c for where, _, c in containers() if c["name"] == "rasa")
    password = next(e for e in rasa["env"] if e["name"] == "REDIS_PASSWORD")
    assert password["valueFrom"]["secretKeyRef"] == {"name": "gsdoa-redis", "key": "password"}
    redis_spec = next(spec for where, spec in pod_specs() if "gsdoa-redis" in where)
    assert {"secretName": "gsdoa-redis"}.items() <= next(
        v["secret"] for v in redis_spec["volumes"] if "secret" in v
    ).items()
    helm = yaml.safe_load((DEPLOY / "helm-values.yaml").read_text(encoding="utf-8"))
    assert helm["redis"]["auth"]["existingSecret"] == "gsdoa-redis"
    stores = helm["applicationSettings"]["endpoints"]
    assert stores["trackerStore"]["password"] == stores["lockStore"]["password"] == "${REDIS_PASSWORD}"


def test_rasa_expands_the_production_endpoints_from_its_environment(monkeypatch, tmp_path):
    """Rasa expands only unquoted ${VAR}s: the production file must give it real values, the password included."""
    from rasa.core.utils import AvailableEndpoints

    values = {
        "ACTION_SERVER_URL": "http://gsdoa-actions:5055/webhook",
        "REDIS_HOST": "gsdoa-redis",
        "REDIS_PORT": "6379",
        "REDIS_PASSWORD": "s3cret-from-the-secret",
        "TRACKER_EXPIRY_SECONDS": "14400",
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    endpoints = AvailableEndpoints.read_endpoints(str(DEPLOY / "endpoints.production.yml"))
    assert endpoints.tracker_store.url == "gsdoa-redis"
    assert endpoints.tracker_store.kwargs["password"] == "s3cret-from-the-secret"
    assert int(endpoints.tracker_store.kwargs["record_exp"]) == 14400  # a digit string: redis-py takes it
    assert endpoints.lock_store.kwargs["password"] == "s3cret-from-the-secret"
    assert endpoints.action.url == values["ACTION_SERVER_URL"]


def cors_origins():
    """Every origin given to Rasa's --cors in the deployment files."""
    origins = []
    arg_lists = [c.get("args", []) for _, _, c in containers()]
    arg_lists.append(yaml.safe_load((DEPLOY / "helm-values.yaml").read_text(encoding="utf-8"))["args"])
    for args in arg_lists:
        if "--cors" in args:
            for arg in args[args.index("--cors") + 1 :]:
                if arg.startswith("--"):
                    break
                origins.append(arg)
    return origins


def test_cors_origins_in_the_deployment_are_never_a_wildcard():
    origins = cors_origins()
    assert origins, "no --cors origin found"
    for origin in origins:
        assert "*" not in origin and re.fullmatch(r"https://[a-z0-9.-]+(:\d+)?", origin), origin
    wildcard = re.compile(r"Access-Control-Allow-Origin['\"]?\s*[:=]?\s*['\"]?\*")
    for path in DEPLOY.rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            if path.name == "nginx.conf.template":
                # A wildcard only on the widget's public loader script (a static file with no conversation, no
                # cookies: a site's <script integrity crossorigin> needs it), never on the webhooks.
                for match in wildcard.finditer(text):
                    location = re.findall(r"location\s+([^{]+?)\s*\{\{", text[: match.start()])[-1]
                    assert location == "= /widget/widget.js", (path, location)
                continue
            assert not wildcard.search(text), path
            assert not re.search(r"WEB_ALLOWED_ORIGINS\W+\*", text), path
            assert not re.search(r"cors-allow-origin\W+\*", text), path
    nginx = (DEPLOY / "nginx.conf.template").read_text(encoding="utf-8")
    for webhook in ("/webhooks/rest/webhook", "/webhooks/rest/forget"):
        block = nginx[nginx.index(f"location = {webhook}") :]
        block = block[: block.index("\n        }}")]
        assert "Access-Control-Allow-Origin" not in block, webhook  # CORS there is Rasa's --cors list only


SECRETISH = re.compile(r"(PASSWORD|TOKEN|SECRET|_KEY)$", re.I)


def test_no_secret_value_is_committed():
    assert by_kind("Secret") == []
    for where, _, container in containers():
        for env in container.get("env", []):
            if SECRETISH.search(env["name"]):
                assert "value" not in env and "secretKeyRef" in env.get("valueFrom", {}), (where, env)
    for path in [*DEPLOY.rglob("*"), ROOT / "credentials.yml", ROOT / "endpoints.yml"]:
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for match in re.finditer(r"(?im)^\s*-?\s*(password|token|secret|requirepass)\s*[:=]\s*(\S+)", text):
            value = match.group(2)
            if value.startswith("{"):
                continue  # a mapping (e.g. a volume's `secret: {secretName: …}`), not a value
            assert value.startswith(("${", '"${', "''", '""')), (path, match.group(0))
        assert not re.search(r"\b\d{8,10}:[A-Za-z0-9_-]{35}\b", text), path  # a Telegram bot token


def test_every_pod_is_hardened_and_has_limits():
    for where, spec in pod_specs():
        pod = spec["securityContext"]
        assert pod["runAsNonRoot"] is True and pod["runAsUser"] > 0, where
        assert pod["seccompProfile"] == {"type": "RuntimeDefault"}, where
        assert spec["automountServiceAccountToken"] is False, where
        assert not spec.get("hostNetwork") and not spec.get("hostPID") and not spec.get("hostIPC"), where
    for where, _, container in containers():
        context = container["securityContext"]
        assert context["allowPrivilegeEscalation"] is False, where
        assert context["readOnlyRootFilesystem"] is True, where
        assert context["capabilities"] == {"drop": ["ALL"]}, where
        assert context.get("privileged") is False, where
        resources = container["resources"]
        for kind in ("requests", "limits"):
            assert {"cpu", "memory"} <= set(resources[kind]), (where, kind)
        assert container.get("readinessProbe") and container.get("livenessProbe"), where
        assert not container["image"].endswith(":latest") and ":" in container["image"], where


def test_the_ingress_is_tls_only_with_hsts_and_no_access_log():
    ingresses = {doc["metadata"]["name"]: doc for _, doc in by_kind("Ingress")}
    assert set(ingresses) == {"gsdoa", "gsdoa-telegram"}
    paths = {}
    for name, ingress in ingresses.items():
        annotations = ingress["metadata"]["annotations"]
        assert annotations["nginx.ingress.kubernetes.io/enable-access-log"] == "false", name
        assert annotations["nginx.ingress.kubernetes.io/force-ssl-redirect"] == "true", name
        assert annotations["nginx.ingress.kubernetes.io/proxy-body-size"] == "16k", name
        assert not any("snippet" in key for key in annotations), name
        hosts = {rule["host"] for rule in ingress["spec"]["rules"]}
        assert hosts <= {h for tls in ingress["spec"]["tls"] for h in tls["hosts"]}, name
        paths[name] = {
            p["path"]: p["backend"]["service"]["name"]
            for rule in ingress["spec"]["rules"]
            for p in rule["http"]["paths"]
        }
    assert paths["gsdoa"] == {
        "/webhooks/rest/webhook": "gsdoa-rasa",
        "/webhooks/rest/forget": "gsdoa-rasa",
        "/webhooks/rest/": "gsdoa-rasa",
    }
    assert paths["gsdoa-telegram"] == {"/telegram/webhook": "gsdoa-telegram"}
    ((_, controller),) = by_kind("ConfigMap")
    assert controller["data"]["hsts"] == "true" and int(controller["data"]["hsts-max-age"]) >= 31536000
    assert controller["data"]["disable-access-log"] == "true"


def test_the_public_paths_are_rate_limited_per_client_but_not_telegrams_webhook():
    """One fast user must not push every Telegram user into 429s: all updates come from Telegram's addresses."""
    ingresses = {doc["metadata"]["name"]: doc for _, doc in by_kind("Ingress")}
    assert int(ingresses["gsdoa"]["metadata"]["annotations"]["nginx.ingress.kubernetes.io/limit-rps"]) > 0
    assert not any("limit" in key for key in ingresses["gsdoa-telegram"]["metadata"]["annotations"])


def test_the_telegram_webhook_url_is_the_sites_root():
    """The bridge appends TELEGRAM_WEBHOOK_PATH to TELEGRAM_WEBHOOK_URL (bot/telegram/__main__.py)."""
    ((_, bridge),) = [(p, d) for p, d in by_kind("Deployment") if d["metadata"]["name"] == "gsdoa-telegram"]
    env = {e["name"]: e.get("value") for e in bridge["spec"]["template"]["spec"]["containers"][0]["env"]}
    url, path = env["TELEGRAM_WEBHOOK_URL"], env["TELEGRAM_WEBHOOK_PATH"]
    assert not url.rstrip("/").endswith(path.strip("/")), "Telegram would post to …/telegram/webhook/telegram/webhook"


def component(selector):
    return (selector or {}).get("matchLabels", {}).get("app.kubernetes.io/component")


def test_network_policies_deny_by_default_and_allow_only_the_needed_paths():
    policies = {doc["metadata"]["name"]: doc["spec"] for _, doc in by_kind("NetworkPolicy")}
    deny = policies["default-deny-all"]
    assert deny["podSelector"] == {} and set(deny["policyTypes"]) == {"Ingress", "Egress"}
    assert "ingress" not in deny and "egress" not in deny

    def peers(spec, direction):
        found = set()
        for rule in spec.get(direction, []):
            for peer in rule.get("to" if direction == "egress" else "from", []):
                ns = peer.get("namespaceSelector", {}).get("matchLabels", {}).get("kubernetes.io/metadata.name")
                found.add(component(peer.get("podSelector")) or ns or ("ipBlock" in peer and "internet"))
        return found

    by_component = {component(spec["podSelector"]): spec for spec in policies.values() if spec["podSelector"]}
    assert peers(by_component["rasa"], "ingress") == {"ingress-nginx", "telegram"}
    assert peers(by_component["rasa"], "egress") == {"actions", "redis"}
    assert peers(by_component["actions"], "ingress") == {"rasa"} and peers(by_component["actions"], "egress") == set()
    assert peers(by_component["redis"], "ingress") == {"rasa"} and peers(by_component["redis"], "egress") == set()
    assert peers(by_component["telegram"], "ingress") == {"ingress-nginx"}
    assert peers(by_component["telegram"], "egress") == {"rasa", "internet"}
    internet = [
        peer["ipBlock"] for rule in by_component["telegram"]["egress"] for peer in rule["to"] if "ipBlock" in peer
    ]
    assert all("10.0.0.0/8" in block["except"] for block in internet)
    for spec in policies.values():
        for rule in spec.get("ingress", []) + spec.get("egress", []):
            assert rule.get("ports"), spec  # every allowed path names its ports


def test_dockerfiles_pin_base_images_by_digest_and_install_by_hash():
    for path in DOCKERFILES:
        text = path.read_text(encoding="utf-8")
        bases = re.findall(r"(?im)^FROM\s+(\S+)", text)
        assert bases, path
        for base in bases:
            assert re.search(r"@sha256:[0-9a-f]{64}$", base), (path, base)
        for install in re.findall(r"pip install[^\n\\]*(?:\\\n[^\n\\]*)*", text):
            if "-r " in install:
                assert "--require-hashes" in install, (path, install)
        assert re.search(r"(?m)^USER\s+(?!root|0\b)\S+", text.split("FROM")[-1]), path  # not root at the end
