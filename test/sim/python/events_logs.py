# Events of a failed pod (core/v1 and events.k8s.io/v1, fieldSelector on the involved object,
# a watch), the deployment controller's ScalingReplicaSet, and pod logs: the Ollama pod's
# start-up lines, tailLines, timestamps, a follow that receives the request the service proxy
# forwarded, and the answer for a container that never started.
import re
import threading
import time

from kubernetes.client.rest import ApiException

from common import check, client, load, report, wait_for, watch

api = load()
core = client.CoreV1Api(api)
apps = client.AppsV1Api(api)
evs = client.EventsV1Api(api)
ns = "team-a"

core.create_namespaced_pod(ns, client.V1Pod(metadata=client.V1ObjectMeta(name="py-bad"), spec=client.V1PodSpec(
    containers=[client.V1Container(name="main", image="registry.example/does-not-exist:1")])))
sel = "involvedObject.name=py-bad,involvedObject.kind=Pod"
got = wait_for(lambda: (lambda r: r if {"Scheduled", "Pulling", "Failed", "BackOff"} <= {e.reason for e in r} else None)(
    core.list_namespaced_event(ns, field_selector=sel).items), "events of the failed pod")
by = {e.reason: e for e in got}
# The scheduler records through events.k8s.io: in core/v1 form no source, reportingComponent and eventTime instead.
check(by["Scheduled"].reporting_component == "default-scheduler" and by["Scheduled"].event_time and by["Scheduled"].type == "Normal", "Scheduled by default-scheduler")
check(by["Pulling"].source.component == "kubelet" and by["Pulling"].source.host and by["Pulling"].count >= 1, "kubelet events carry source and count")
check(by["Scheduled"].message.startswith("Successfully assigned team-a/py-bad to "), by["Scheduled"].message)
check(by["Pulling"].message == 'Pulling image "registry.example/does-not-exist:1"', by["Pulling"].message)
check(by["BackOff"].message == 'Back-off pulling image "registry.example/does-not-exist:1"', by["BackOff"].message)
check(by["Pulling"].involved_object.field_path == "spec.containers{main}", "the container is the sub-object")
warnings = sorted(e.message for e in got if e.type == "Warning")
check("Error: ImagePullBackOff" in warnings and "Error: ErrImagePull" in warnings, f"warnings: {warnings}")
# The same events in events.k8s.io/v1 form. Read raw: the kubelet's legacy events have eventTime null there, which
# this client's EventsV1Event model refuses (as it does against a real API server).
import json
raw = json.loads(evs.list_namespaced_event(ns, field_selector="regarding.name=py-bad", _preload_content=False).data)
new = raw["items"]
check({e["reason"] for e in new} >= {"Scheduled", "Pulling", "BackOff"} and all(e["regarding"]["name"] == "py-bad" for e in new), "events.k8s.io/v1 view")
check(any(e["reportingController"] == "kubelet" and e["note"].startswith("Pulling image") and e["eventTime"] is None for e in new), "kubelet note")
check(any(e["reportingController"] == "default-scheduler" and e["action"] == "Binding" and e["eventTime"] for e in new), "scheduler event")
modelled = None
try:
    evs.list_namespaced_event(ns, field_selector="regarding.name=py-bad")
except ValueError as e:
    modelled = str(e)
# Type selector.
check(all(e.type == "Warning" for e in core.list_namespaced_event(ns, field_selector="type=Warning,involvedObject.name=py-bad").items), "type selector")

# A pod no node can hold: FailedScheduling with the scheduler's message.
core.create_namespaced_pod(ns, client.V1Pod(metadata=client.V1ObjectMeta(name="py-huge"), spec=client.V1PodSpec(containers=[client.V1Container(
    name="main", image="nginx:1.27.3", resources=client.V1ResourceRequirements(limits={"nvidia.com/gpu": "64"}))])))
fs = wait_for(lambda: core.list_namespaced_event(ns, field_selector="involvedObject.name=py-huge,reason=FailedScheduling").items, "FailedScheduling")
check(fs[0].type == "Warning" and re.match(r"^0/\d+ nodes are available: .*Insufficient nvidia.com/gpu", fs[0].message), f"FailedScheduling: {fs[0].message}")

# A watch on events with a field selector sees a deployment's ScalingReplicaSet.
rv = core.list_namespaced_event(ns).metadata.resource_version
labels = {"app": "py-ev"}
apps.create_namespaced_deployment(ns, client.V1Deployment(metadata=client.V1ObjectMeta(name="py-ev"), spec=client.V1DeploymentSpec(
    replicas=1, selector=client.V1LabelSelector(match_labels=labels),
    template=client.V1PodTemplateSpec(metadata=client.V1ObjectMeta(labels=labels), spec=client.V1PodSpec(containers=[client.V1Container(name="main", image="nginx:1.27.3")])))))
scaling = None
w = watch.Watch()
for ev in w.stream(core.list_namespaced_event, ns, field_selector="involvedObject.kind=Deployment,involvedObject.name=py-ev", resource_version=rv, timeout_seconds=10):
    if ev["object"].reason == "ScalingReplicaSet":
        scaling = ev["object"].message
        w.stop()
check(scaling and re.match(r"^Scaled up replica set py-ev-[a-z0-9]+ from 0 to 1$", scaling), f"ScalingReplicaSet: {scaling}")

# Logs of the Ollama pod.
pod = core.list_namespaced_pod("model-hosting", label_selector="app=ollama").items[0].metadata.name
text = core.read_namespaced_pod_log(pod, "model-hosting")
check("Listening on [::]:11434 (version" in text, f"Ollama start-up lines: {text[:300]}")
last = core.read_namespaced_pod_log(pod, "model-hosting", tail_lines=1)
check(len(last.strip().split("\n")) == 1, "tailLines=1")
stamped = core.read_namespaced_pod_log(pod, "model-hosting", timestamps=True).strip().split("\n")
check(all(re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z ", l) for l in stamped), f"timestamps: {stamped[:2]}")
recent = core.read_namespaced_pod_log(pod, "model-hosting", since_seconds=1)

# Follow: a request through the service proxy shows up as Ollama's GIN line.
lines = []


def follow():
    r = core.read_namespaced_pod_log(pod, "model-hosting", follow=True, _preload_content=False, tail_lines=0)
    for chunk in r.stream(amt=1024):
        lines.append(chunk.decode())
        if "/api/version" in "".join(lines):
            r.close()  # not release_conn(): the stream is still open, the connection must not go back to the pool
            return


t = threading.Thread(target=follow, daemon=True)
t.start()
time.sleep(0.5)
core.connect_get_namespaced_service_proxy_with_path("ollama-service", "model-hosting", "api/version", _preload_content=False)
t.join(10)
check("/api/version" in "".join(lines) and "[GIN]" in "".join(lines), f"followed: {lines}")

status = None
try:
    core.read_namespaced_pod_log("py-bad", ns)
except ApiException as e:
    status = (e.status, e.body)
check(status and status[0] == 400 and "is waiting to start: trying and failing to pull image" in status[1], f"log of a pod that never started: {status}")

report(eventsV1ModelError=modelled, reasons=sorted({e.reason for e in got}), scaling=scaling, followed="".join(lines).strip(), recentLines=len(recent.strip().split("\n")) if recent.strip() else 0)
