# Lists of every kind the simulator serves, deserialized into this client's typed models
# (a field of the wrong type or a missing required one would raise), a 409 on a replace
# with a stale resourceVersion, pagination with limit/continue, label and field selectors.
from kubernetes.client.rest import ApiException

from common import check, client, load, report

api = load()
core = client.CoreV1Api(api)
apps = client.AppsV1Api(api)
disc = client.DiscoveryV1Api(api)

counts = {
    "nodes": len(core.list_node().items),
    "namespaces": len(core.list_namespace().items),
    "pods": len(core.list_pod_for_all_namespaces().items),
    "services": len(core.list_service_for_all_namespaces().items),
    "configmaps": len(core.list_config_map_for_all_namespaces().items),
    "endpoints": len(core.list_endpoints_for_all_namespaces().items),
    "events": len(core.list_event_for_all_namespaces().items),
    "persistentvolumeclaims": len(core.list_persistent_volume_claim_for_all_namespaces().items),
    "deployments": len(apps.list_deployment_for_all_namespaces().items),
    "replicasets": len(apps.list_replica_set_for_all_namespaces().items),
    "endpointslices": len(disc.list_endpoint_slice_for_all_namespaces().items),
}
for k in ["nodes", "namespaces", "pods", "services", "deployments", "replicasets", "endpoints", "endpointslices"]:
    check(counts[k] > 0, f"{k} listed: {counts}")
node = core.list_node().items[0]
check(node.status.allocatable and node.status.node_info.kubelet_version.startswith("v1."), "typed node status")
d = apps.read_namespaced_deployment("ollama", "model-hosting")
check(d.spec.template.spec.containers[0].image and d.status.ready_replicas == 1, "typed deployment")

# 409 on a stale replace.
cm = core.create_namespaced_config_map("default", client.V1ConfigMap(metadata=client.V1ObjectMeta(name="py-409"), data={"a": "1"}))
cm.data = {"a": "2"}
core.replace_namespaced_config_map("py-409", "default", cm)
cm.data = {"a": "3"}  # still carries the old resourceVersion
status = None
try:
    core.replace_namespaced_config_map("py-409", "default", cm)
except ApiException as e:
    status = (e.status, e.reason)
check(status and status[0] == 409, f"stale replace: {status}")

# Pagination: limit and continue until done, every pod once.
names, token, pages = [], None, 0
while True:
    page = core.list_pod_for_all_namespaces(limit=3, _continue=token) if token else core.list_pod_for_all_namespaces(limit=3)
    names += [f"{p.metadata.namespace}/{p.metadata.name}" for p in page.items]
    pages += 1
    token = page.metadata._continue
    if not token:
        break
check(len(names) == len(set(names)) == counts["pods"] and pages > 1, f"pages {pages}, {len(names)} pods of {counts['pods']}")

# Selectors.
sel = core.list_namespaced_pod("model-hosting", label_selector="app=ollama").items
check(len(sel) == 1, "label selector")
running = core.list_pod_for_all_namespaces(field_selector="status.phase=Running").items
check(all(p.status.phase == "Running" for p in running) and running, "field selector")
notin = core.list_pod_for_all_namespaces(label_selector="app notin (ollama)").items
check(all((p.metadata.labels or {}).get("app") != "ollama" for p in notin), "set-based selector")
bad = None
try:
    core.list_pod_for_all_namespaces(field_selector="spec.foo=bar")
except ApiException as e:
    bad = e.status
check(bad == 400, f"unsupported field selector: {bad}")
report(counts=counts, pages=pages, stale=status[0])
