# A container that keeps crashing: restarts counted, CrashLoopBackOff with the kubelet's
# message, lastState terminated with exit code 1, the BackOff event, and logs of the last
# run and (previous=True) of the one before; previous of a container that never restarted is a 400.
import re

from kubernetes.client.rest import ApiException

from common import check, client, load, report, wait_for

api = load()
core = client.CoreV1Api(api)
ns = "team-a"
core.create_namespaced_pod(ns, client.V1Pod(metadata=client.V1ObjectMeta(name="py-crash"), spec=client.V1PodSpec(
    containers=[client.V1Container(name="main", image="registry.example/crash-loop:1")])))
st = wait_for(lambda: (lambda p: p.status.container_statuses[0] if p.status.container_statuses and (p.status.container_statuses[0].restart_count or 0) >= 2 else None)(
    core.read_namespaced_pod("py-crash", ns)), "two restarts", timeout=15)
check(st.last_state.terminated.exit_code == 1 and st.last_state.terminated.reason == "Error", f"last state: {st.last_state}")
waiting = wait_for(lambda: (lambda s: s if s.state.waiting else None)(core.read_namespaced_pod("py-crash", ns).status.container_statuses[0]), "back-off")
check(waiting.state.waiting.reason == "CrashLoopBackOff" and re.match(r"^back-off \d+s restarting failed container=main pod=py-crash_team-a\(", waiting.state.waiting.message), f"waiting: {waiting.state.waiting}")
ev = core.list_namespaced_event(ns, field_selector="involvedObject.name=py-crash,reason=BackOff").items
check(ev and ev[0].type == "Warning" and ev[0].message.startswith("Back-off restarting failed container main in pod py-crash_team-a("), f"BackOff event: {[e.message for e in ev]}")
check(ev[0].count >= 2 or len(ev) == 1, "repeats fold into count")
last = core.read_namespaced_pod_log("py-crash", ns)
prev = core.read_namespaced_pod_log("py-crash", ns, previous=True)
check("cannot start" in last and "cannot start" in prev, f"logs: {last!r} / {prev!r}")
none = None
core.create_namespaced_pod(ns, client.V1Pod(metadata=client.V1ObjectMeta(name="py-steady"), spec=client.V1PodSpec(containers=[client.V1Container(name="main", image="nginx:1.27.3")])))
wait_for(lambda: core.read_namespaced_pod("py-steady", ns).status.phase == "Running", "steady pod running")
try:
    core.read_namespaced_pod_log("py-steady", ns, previous=True)
except ApiException as e:
    none = (e.status, e.body)
check(none and none[0] == 400 and 'previous terminated container \\"main\\" in pod \\"py-steady\\" not found' in none[1], f"no previous: {none}")
report(restarts=st.restart_count, backoff=ev[0].count)
