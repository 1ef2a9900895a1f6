# Endpoints and EndpointSlices for Services: the Ollama Service's pod is its endpoint; a new
# Service's endpoints follow its pods (ready ones as addresses); a Terminating pod leaves the
# Endpoints and shows terminating in the EndpointSlice.
from common import check, client, load, report, wait_for

api = load()
core = client.CoreV1Api(api)
apps = client.AppsV1Api(api)
disc = client.DiscoveryV1Api(api)

pod = core.list_namespaced_pod("model-hosting", label_selector="app=ollama").items[0]
ep = core.read_namespaced_endpoints("ollama-service", "model-hosting")
addrs = [a for s in ep.subsets for a in (s.addresses or [])]
check([a.ip for a in addrs] == [pod.status.pod_ip] and addrs[0].target_ref.name == pod.metadata.name, f"ollama endpoints: {ep.subsets}")
check(ep.subsets[0].ports[0].port == 11434, "port resolved")
sl = disc.list_namespaced_endpoint_slice("model-hosting", label_selector="kubernetes.io/service-name=ollama-service").items
check(len(sl) == 1 and sl[0].address_type == "IPv4" and sl[0].endpoints[0].addresses == [pod.status.pod_ip], "ollama endpointslice")
check(sl[0].metadata.owner_references[0].kind == "Service", "owned by the Service")

ns = "team-a"
labels = {"app": "py-ep"}
apps.create_namespaced_deployment(ns, client.V1Deployment(metadata=client.V1ObjectMeta(name="py-ep"), spec=client.V1DeploymentSpec(
    replicas=2, selector=client.V1LabelSelector(match_labels=labels),
    template=client.V1PodTemplateSpec(metadata=client.V1ObjectMeta(labels=labels), spec=client.V1PodSpec(containers=[client.V1Container(
        name="main", image="nginx:1.27.3", ports=[client.V1ContainerPort(name="http", container_port=8080)])])))))
core.create_namespaced_service(ns, client.V1Service(metadata=client.V1ObjectMeta(name="py-ep"), spec=client.V1ServiceSpec(
    selector=labels, ports=[client.V1ServicePort(name="web", port=80, target_port="http")])))
ep = wait_for(lambda: (lambda e: e if e.subsets and len(e.subsets[0].addresses or []) == 2 else None)(core.read_namespaced_endpoints("py-ep", ns)), "two ready endpoints")
check(ep.subsets[0].ports[0].port == 8080 and ep.subsets[0].ports[0].name == "web", f"named target port resolved: {ep.subsets[0].ports}")
victim = ep.subsets[0].addresses[0].target_ref.name
core.delete_namespaced_pod(victim, ns, grace_period_seconds=30)
ep2 = wait_for(lambda: (lambda e: e if victim not in [a.target_ref.name for s in (e.subsets or []) for a in (s.addresses or []) + (s.not_ready_addresses or [])] else None)(
    core.read_namespaced_endpoints("py-ep", ns)), "terminating pod out of the endpoints")
s = disc.list_namespaced_endpoint_slice(ns, label_selector="kubernetes.io/service-name=py-ep").items[0]
term = [e for e in s.endpoints if e.target_ref.name == victim]
check(term and term[0].conditions.terminating and not term[0].conditions.ready, f"terminating in the slice: {term}")
report(ollama=[a.ip for a in addrs], terminating=victim)
