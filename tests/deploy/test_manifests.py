"""The Kubernetes manifests in deploy/k8s, checked the way an operator would before applying.

No cluster and no kubeconform here, so each check is one that would otherwise show up as a
pod that never gets ready, a restart loop or a leaked password. Routes and settings come from
the code itself (the gateway's router, actions/server.py, Rasa's server module,
bot/config.py), not from a copy in this file.
"""

from __future__ import annotations

import importlib.util
import ipaddress
import re
from pathlib import Path
from typing import Dict, Iterator, List, Tuple

import yaml

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
PLACEHOLDER = "CHANGE_ME"
SECRET_NAME = re.compile(r"TOKEN|SECRET|PASSWORD", re.I)
PASSWORD_IN_URL = re.compile(r"://[^/@\s:]+:[^@\s]+@")


# --- reading the manifests ----------------------------------------------------------------


def _load() -> List[Tuple[str, dict]]:
    docs = []
    for path in sorted(K8S.glob("*.yaml")):
        if path.name == "kustomization.yaml":  # kustomize's own file, not a resource
            continue
        for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if doc:
                docs.append((path.name, doc))
    return docs


DOCS = _load()


def of_kind(*kinds: str) -> List[dict]:
    return [doc for _, doc in DOCS if doc.get("kind") in kinds]


def one(kind: str, name: str) -> dict:
    found = [d for d in of_kind(kind) if d["metadata"]["name"] == name]
    assert len(found) == 1, f"expected one {kind} {name}, found {len(found)}"
    return found[0]


def pod_spec(workload: dict) -> dict:
    return workload["spec"]["template"]["spec"]


def containers() -> Iterator[Tuple[dict, dict]]:
    for workload in of_kind("Deployment", "StatefulSet", "Job"):
        for container in pod_spec(workload)["containers"]:
            yield workload, container


def container(deployment: str) -> dict:
    return pod_spec(one("Deployment", deployment))["containers"][0]


def secret_keys() -> Dict[str, Dict[str, str]]:
    return {s["metadata"]["name"]: dict(s.get("stringData", {})) for s in of_kind("Secret")}


def config_maps() -> Dict[str, Dict[str, str]]:
    return {c["metadata"]["name"]: dict(c.get("data", {})) for c in of_kind("ConfigMap")}


def resolved_env(c: dict) -> Dict[str, str]:
    """What the process sees: envFrom ConfigMaps/Secrets, then env (values and references)."""
    env: Dict[str, str] = {}
    for source in c.get("envFrom", []):
        if "configMapRef" in source:
            env.update(config_maps()[source["configMapRef"]["name"]])
        if "secretRef" in source:
            env.update(secret_keys()[source["secretRef"]["name"]])
    for var in c.get("env", []):
        ref = var.get("valueFrom", {})
        if "value" in var:
            env[var["name"]] = str(var["value"])
        elif "secretKeyRef" in ref:
            env[var["name"]] = secret_keys()[ref["secretKeyRef"]["name"]][ref["secretKeyRef"]["key"]]
        elif "configMapKeyRef" in ref:
            env[var["name"]] = config_maps()[ref["configMapKeyRef"]["name"]][ref["configMapKeyRef"]["key"]]
    return env


def port_number(c: dict, port) -> int:
    if isinstance(port, int):
        return port
    numbers = {p["name"]: p["containerPort"] for p in c.get("ports", [])}
    assert port in numbers, f"{c['name']}: probe port {port!r} is not a named container port"
    return numbers[port]


def mebibytes(quantity: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(Mi|Gi)", quantity).groups()
    return float(number) * (1024 if unit == "Gi" else 1)


def arg_after(command: List[str], flag: str) -> str:
    return command[command.index(flag) + 1]


# --- what is applied ------------------------------------------------------------------------


def test_every_manifest_is_applied_by_the_kustomization_except_the_secret_example():
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    listed = set(kustomization["resources"])
    files = {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml"}
    # The placeholder Secret must never be applied over the real one.
    assert "secret.example.yaml" not in listed
    assert files - listed == {"secret.example.yaml"}
    assert listed <= files, f"listed but missing: {listed - files}"
    for name, doc in DOCS:
        assert doc.get("apiVersion") and doc.get("kind") and doc["metadata"].get("name"), name


# --- probes on the routes the code really serves ------------------------------------------


def test_gateway_probes_use_routes_of_the_gateway_router():
    from bot.app import create_app
    from bot.config import GatewayConfig

    gateway = container("gateway")
    config = GatewayConfig.from_env(resolved_env(gateway))
    app = create_app(config)
    get_routes = {r.resource.canonical for r in app.router.routes() if r.method == "GET"}
    ready, alive = gateway["readinessProbe"]["httpGet"], gateway["livenessProbe"]["httpGet"]
    # Readiness waits for the database and for Rasa's model (GET /readyz).
    assert ready["path"] == "/readyz" and ready["path"] in get_routes
    # Liveness must not restart every gateway during a database outage: another route.
    assert alive["path"] in get_routes and alive["path"] != "/healthz"
    for probe in (ready, alive):
        assert port_number(gateway, probe["port"]) == config.port


def test_action_server_probes_are_served_without_the_token():
    from actions.server import OPEN_PATHS

    actions = container("actions")
    port = int(arg_after(actions["command"], "-p"))
    for kind in ("readinessProbe", "livenessProbe"):
        probe = actions[kind]["httpGet"]
        # Any other path answers 401 and the pod would never become ready.
        assert probe["path"] in OPEN_PATHS
        assert port_number(actions, probe["port"]) == port
    rasa_sdk_endpoint = Path(importlib.util.find_spec("rasa_sdk.endpoint").origin).read_text()
    assert '"/health"' in rasa_sdk_endpoint


def test_rasa_probes_use_rasa_routes_and_the_token_from_the_secret():
    # Rasa's route table, read from the installed rasa/server.py (importing it takes seconds).
    server_py = Path(importlib.util.find_spec("rasa").submodule_search_locations[0]) / "server.py"
    rasa_routes = set(re.findall(r'@app\.get\("([^"]+)"\)', server_py.read_text()))
    rasa = container("rasa")
    args = rasa["command"] + rasa["args"]
    port = int(arg_after(args, "-p"))
    for kind in ("startupProbe", "livenessProbe"):
        probe = rasa[kind]["httpGet"]
        assert probe["path"] in rasa_routes and port_number(rasa, probe["port"]) == port
    # Readiness: /status answers 200 only with a loaded model, and only with the token.
    script = " ".join(rasa["readinessProbe"]["exec"]["command"])
    assert "/status" in rasa_routes and f"127.0.0.1:{port}/status?token=" in script
    assert "os.environ['RASA_TOKEN']" in script and "RASA_TOKEN" in resolved_env(rasa)
    # The token reaches Rasa from the environment, never on its command line (ps shows that).
    assert rasa["command"] == ["python", "-m", "rasa_server"] and "--enable-api" in args
    assert not any("--auth-token" in a or "RASA_TOKEN" in a for a in args)
    assert arg_after(args, "-i") == "0.0.0.0"  # reachable through its Service


def test_router_probe_path_is_a_location_in_its_config():
    router = pod_spec(one("Deployment", "router"))["containers"][0]
    conf = config_maps()["router-nginx"]["nginx.conf"]
    for kind in ("readinessProbe", "livenessProbe"):
        probe = router[kind]["httpGet"]
        assert f"location = {probe['path']} " in conf
        assert f"listen {port_number(router, probe['port'])};" in conf


def test_every_long_running_container_has_probes_and_sized_resources():
    for workload in of_kind("Deployment", "StatefulSet"):
        for c in pod_spec(workload)["containers"]:
            where = f"{workload['metadata']['name']}/{c['name']}"
            assert "readinessProbe" in c and "livenessProbe" in c, where
            resources = c.get("resources", {})
            assert {"cpu", "memory"} <= set(resources.get("requests", {})), where
            assert "memory" in resources.get("limits", {}), where  # no node-wide OOM surprises
    # Rasa with TensorFlow and the USE featurizer needs well over a gigabyte (1.7 GiB measured).
    rasa = container("rasa")["resources"]
    assert mebibytes(rasa["requests"]["memory"]) >= 1700
    assert mebibytes(rasa["limits"]["memory"]) > mebibytes(rasa["requests"]["memory"])


# --- settings and secrets -------------------------------------------------------------------


def test_every_secret_and_config_reference_exists():
    secrets, maps = secret_keys(), config_maps()
    for workload, c in containers():
        where = f"{workload['metadata']['name']}/{c['name']}"
        for var in c.get("env", []):
            ref = var.get("valueFrom", {})
            if "secretKeyRef" in ref:
                name, key = ref["secretKeyRef"]["name"], ref["secretKeyRef"]["key"]
                assert key in secrets.get(name, {}), f"{where}: {var['name']} -> {name}/{key} missing"
            if "configMapKeyRef" in ref:
                name, key = ref["configMapKeyRef"]["name"], ref["configMapKeyRef"]["key"]
                assert key in maps.get(name, {}), f"{where}: {var['name']} -> {name}/{key} missing"
        for source in c.get("envFrom", []):
            if "secretRef" in source:
                assert source["secretRef"]["name"] in secrets, where
            if "configMapRef" in source:
                assert source["configMapRef"]["name"] in maps, where
    for workload in of_kind("Deployment", "StatefulSet"):
        for volume in pod_spec(workload).get("volumes", []):
            if "configMap" in volume:
                assert volume["configMap"]["name"] in maps, volume


def test_gateway_gets_every_setting_it_needs_for_several_instances():
    from bot.config import GatewayConfig

    gateway = container("gateway")
    env = resolved_env(gateway)
    config = GatewayConfig.from_env(env)
    # Without these the pod would silently fall back to a private SQLite file or 127.0.0.1.
    assert config.database_url.startswith("postgresql://")
    assert config.privacy.tracker_store_url.startswith("postgresql://")  # "vergeet mij" reaches Rasa
    assert config.rasa_url == f"http://rasa:{one('Service', 'rasa')['spec']['ports'][0]['port']}"
    assert config.hub_redis_url.startswith("redis://redis:")  # advisor replies reach other gateways
    assert config.host == "0.0.0.0"
    assert config.handoff.cookie_secure  # served over TLS by the Ingress
    # Optional WhatsApp: the channel stays off without its Secret instead of failing the pod.
    whatsapp = [s for s in gateway["envFrom"] if "secretRef" in s]
    assert whatsapp and all(s["secretRef"].get("optional") for s in whatsapp)
    example = GatewayConfig.from_env({**env, **secret_keys()["leerwijzer-whatsapp"]}).whatsapp
    assert example.missing() == []  # the example Secret lists every variable the channel needs


def test_the_gateway_trusts_no_proxy_network_wider_than_the_ingress():
    """X-Forwarded-For is believed from these networks: the whole pod network would let any
    pod (or a client inside the cluster) pose as any user. Empty (trust nobody) is safe."""
    from bot.config import GatewayConfig

    config = GatewayConfig.from_env(resolved_env(container("gateway")))
    for entry in config.trusted_proxies:
        network = ipaddress.ip_network(entry, strict=False)
        assert network.prefixlen >= (24 if network.version == 4 else 120), (
            f"GATEWAY_TRUSTED_PROXIES trusts all of {network}: name the ingress CIDR only"
        )


def test_rasa_and_action_server_get_what_they_read():
    rasa_env = resolved_env(container("rasa"))
    endpoints = config_maps()["rasa-endpoints"]["endpoints.yml"]
    for variable in re.findall(r"\$\{(\w+)\}", endpoints):
        assert variable in rasa_env, f"endpoints.yml uses ${{{variable}}} but Rasa's pod lacks it"
    assert rasa_env["TRACKER_STORE_URL"].startswith("postgresql://")
    assert rasa_env["ACTION_ENDPOINT_URL"] == "http://actions:5055/webhook"
    actions_env = resolved_env(container("actions"))
    # actions/server.py refuses to start without the token, and must share it with Rasa.
    assert actions_env["ACTION_SERVER_TOKEN"] and "ACTION_SERVER_TOKEN" in rasa_env
    assert actions_env["SANIC_HOST"] == "0.0.0.0"
    assert actions_env["DATABASE_URL"].startswith("postgresql://")
    # The endpoints file the Rasa command names is the mounted ConfigMap.
    rasa = container("rasa")
    endpoints_path = arg_after(rasa["args"], "--endpoints")
    mounts = {m["mountPath"] for m in rasa["volumeMounts"]}
    assert str(Path(endpoints_path).parent) in mounts


def test_endpoints_config_map_equals_the_scale_out_endpoints_file():
    deployed = yaml.safe_load(config_maps()["rasa-endpoints"]["endpoints.yml"])
    repository = yaml.safe_load((ROOT / "endpoints-scaled.yml").read_text())
    assert deployed == repository


def test_router_routes_conversations_like_the_scale_out_nginx():
    def routing(text: str) -> List[str]:
        block = re.search(r"map \$uri \$leerwijzer_route \{(.*?)\}", text, re.S)
        assert block, "no conversation routing map"
        lines = [re.sub(r"\s+", " ", line.split("#")[0]).strip() for line in block.group(1).splitlines()]
        return [line for line in lines if line]

    router = config_maps()["router-nginx"]["nginx.conf"]
    scale_out = (ROOT / "deploy" / "nginx" / "leerwijzer.conf.template").read_text()
    assert routing(router) == routing(scale_out)
    assert "hash $leerwijzer_route consistent;" in router
    assert "proxy_set_header Upgrade $http_upgrade;" in router  # websockets


def test_no_plaintext_secrets_in_the_manifests():
    for secret in of_kind("Secret"):
        assert "data" not in secret, "base64 values in a committed Secret"
        for key, value in secret["stringData"].items():
            assert PLACEHOLDER in value, f"{secret['metadata']['name']}/{key} is not a placeholder"
    for name, data in config_maps().items():
        for key, value in data.items():
            assert not SECRET_NAME.search(key), f"ConfigMap {name} holds {key}"
            assert not PASSWORD_IN_URL.search(value), f"ConfigMap {name}/{key} has a password in a URL"
    for _workload, c in containers():
        for var in c.get("env", []):
            if "value" in var:
                assert not SECRET_NAME.search(var["name"]), f"{var['name']} must come from a Secret"
                assert not PASSWORD_IN_URL.search(str(var["value"])), var["name"]
        assert not any(PASSWORD_IN_URL.search(a) for a in c.get("command", []) + c.get("args", []))


def test_images_are_pinned():
    for workload, c in containers():
        image = c["image"]
        name, _, tag = image.rpartition(":")
        pinned = "@sha256:" in image or ("/" not in tag and tag and tag != "latest" and name)
        assert pinned, f"{workload['metadata']['name']}: image {image} is not pinned"
    dockerfile = (ROOT / "Dockerfile").read_text()
    for base in re.findall(r"^FROM (\S+)", dockerfile, re.M):
        assert base.startswith("python:3.10.") or base == "app", base  # Rasa 3.6: Python 3.10


def test_services_reach_ready_pods_on_named_ports():
    for service in of_kind("Service"):
        selector = service["spec"]["selector"]
        pods = [
            w
            for w in of_kind("Deployment", "StatefulSet")
            if selector.items() <= w["spec"]["template"]["metadata"]["labels"].items()
        ]
        assert pods, f"Service {service['metadata']['name']} selects no pods"
        names = {p["name"] for w in pods for c in pod_spec(w)["containers"] for p in c.get("ports", [])}
        for port in service["spec"]["ports"]:
            assert port["targetPort"] in names, f"{service['metadata']['name']}: {port['targetPort']}"


def test_the_image_contains_every_module_the_pods_run():
    dockerfile = (ROOT / "Dockerfile").read_text()
    copied = set(re.findall(r"^COPY (\w+) \1$", dockerfile, re.M))
    for _workload, c in containers():
        command = " ".join(c.get("command", []))
        for module in re.findall(r"python -m ([\w.]+)", command):
            assert module.split(".")[0] in copied, f"{module} is not copied into the image"
    # Rasa imports custom components and stores by their dotted names (config.yml, endpoints).
    endpoints = yaml.safe_load(config_maps()["rasa-endpoints"]["endpoints.yml"])
    pipeline = yaml.safe_load((ROOT / "config.yml").read_text())["pipeline"]
    for dotted in [endpoints["lock_store"]["type"]] + [c["name"] for c in pipeline]:
        if "." in dotted:
            assert dotted.split(".")[0] in copied, f"{dotted} is not copied into the image"
    # What the copied code imports from this repository is copied too (e.g. locales/).
    ours = {path.name for path in ROOT.iterdir() if (path / "__init__.py").exists()} - {"tests", "benchmarks"}
    for folder in copied & ours:
        for source in (ROOT / folder).rglob("*.py"):
            imported = re.findall(r"^\s*(?:from|import) (\w+)", source.read_text(), re.M)
            for package in set(imported) & ours:
                assert package in copied, f"{source.relative_to(ROOT)} imports {package}, not copied into the image"
    # config.yml loads spaCy from var/spacy/nl: built in the image, not downloaded.
    assert "scripts/build_spacy_nl.py" in dockerfile and "/app/var/spacy" in dockerfile


def test_prometheus_scrapes_each_gateway_with_the_token_and_the_public_cannot():
    """The scrape job finds the gateway pods on their http port and sends the token from a
    file; the gateway gets the same token from the Secret; only the monitoring namespace
    reaches the pods; the router (the public path) answers /metrics with 404."""
    from bot.config import GatewayConfig

    gateway = container("gateway")
    config = GatewayConfig.from_env(resolved_env(gateway))
    assert config.metrics_token  # the example Secret's placeholder: /metrics is on
    job = yaml.safe_load(config_maps()["leerwijzer-prometheus-scrape"]["leerwijzer.yml"])["scrape_configs"][0]
    assert job["metrics_path"] == "/metrics"
    assert job["authorization"]["credentials_file"]
    keeps = {tuple(r["source_labels"]): r["regex"] for r in job["relabel_configs"] if r.get("action") == "keep"}
    labels = one("Deployment", "gateway")["spec"]["template"]["metadata"]["labels"]
    assert keeps[("__meta_kubernetes_pod_label_app_kubernetes_io_name",)] == labels["app.kubernetes.io/name"]
    port_name = keeps[("__meta_kubernetes_pod_container_port_name",)]
    policy = one("NetworkPolicy", "gateway-from-prometheus")["spec"]
    assert policy["podSelector"]["matchLabels"] == {"app.kubernetes.io/name": "gateway"}
    assert policy["ingress"][0]["ports"] == [{"port": port_number(gateway, port_name)}]
    router = config_maps()["router-nginx"]["nginx.conf"]
    assert re.search(r"location = /metrics \{\s*return 404;", router)
