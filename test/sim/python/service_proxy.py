# The service proxy through this client: connect_get_namespaced_service_proxy_with_path
# percent-encodes the path ("api%2Ftags"); the API server decodes it, so Ollama answers
# /api/tags and /api/version.
import json

from common import check, client, load, report

api = load()
core = client.CoreV1Api(api)
# _preload_content=False: the raw body (the generated client would turn JSON into a str repr).
tags = core.connect_get_namespaced_service_proxy_with_path("ollama-service:11434", "model-hosting", "api/tags", _preload_content=False)
version = core.connect_get_namespaced_service_proxy_with_path("ollama-service", "model-hosting", "api/version", _preload_content=False)
check(tags.status == 200, f"/api/tags: {tags.status} {tags.data[:200]}")
check(version.status == 200, f"/api/version: {version.status} {version.data[:200]}")
t = json.loads(tags.data)
v = json.loads(version.data)
check("models" in t and "version" in v, "Ollama's answers")
report(models=[m["name"] for m in t["models"]], version=v["version"])
