# A Deployment rolled out to ready, RollingUpdate with the default 25% / 25%: with 4
# replicas at most 5 pods (maxSurge 1) and at least 3 available (maxUnavailable 1) at any
# time, old and new pods side by side; a watch on the Deployment sees it through, and the
# end state is what `kubectl rollout status` waits for.
import threading
import time

from common import check, client, load, report, wait_for, watch

api = load()
apps = client.AppsV1Api(api)
core = client.CoreV1Api(api)
ns = "team-a"
name = "py-roll"
labels = {"app": name}
apps.create_namespaced_deployment(ns, client.V1Deployment(
    metadata=client.V1ObjectMeta(name=name),
    spec=client.V1DeploymentSpec(replicas=4, selector=client.V1LabelSelector(match_labels=labels),
                                 template=client.V1PodTemplateSpec(metadata=client.V1ObjectMeta(labels=labels),
                                                                   spec=client.V1PodSpec(containers=[client.V1Container(name="main", image="nginx:1.27.3")])))))
wait_for(lambda: (apps.read_namespaced_deployment(name, ns).status.available_replicas or 0) == 4, "first rollout")
d0 = apps.read_namespaced_deployment(name, ns)

statuses = []
side_by_side = []
done = threading.Event()


def sample_pods():
    while not done.is_set():
        hashes = {}
        for p in core.list_namespaced_pod(ns, label_selector=f"app={name}").items:
            if p.metadata.deletion_timestamp:
                continue
            h = p.metadata.labels.get("pod-template-hash")
            hashes[h] = hashes.get(h, 0) + 1
        if len(hashes) > 1:
            side_by_side.append(hashes)
        time.sleep(0.02)


threading.Thread(target=sample_pods, daemon=True).start()
apps.patch_namespaced_deployment(name, ns, {"spec": {"template": {"spec": {"containers": [{"name": "main", "image": "nginx:1.27.4"}]}}}})
w = watch.Watch()
for ev in w.stream(apps.list_namespaced_deployment, ns, field_selector=f"metadata.name={name}", resource_version=d0.metadata.resource_version, timeout_seconds=20):
    s = ev["object"].status
    m = ev["object"].metadata
    statuses.append({"replicas": s.replicas, "updated": s.updated_replicas, "available": s.available_replicas, "unavailable": s.unavailable_replicas})
    if (m.generation == s.observed_generation and s.updated_replicas == 4 and s.replicas == 4 and s.available_replicas == 4
            and len(statuses) > 1):
        w.stop()
done.set()
final = apps.read_namespaced_deployment(name, ns)
rs = apps.list_namespaced_replica_set(ns, label_selector=f"app={name}").items
check(max(x["replicas"] or 0 for x in statuses) <= 5, f"never more than replicas + maxSurge pods: {statuses}")
check(min(x["available"] or 0 for x in statuses) >= 3, f"never fewer than replicas - maxUnavailable available: {statuses}")
check(side_by_side, "old and new pods ran side by side")
check(sorted(r.spec.replicas for r in rs) == [0, 4], f"old replicaset at 0, new at 4: {[r.spec.replicas for r in rs]}")
check(final.metadata.annotations["deployment.kubernetes.io/revision"] == "2", "revision 2")
report(maxPods=max(x["replicas"] or 0 for x in statuses), minAvailable=min(x["available"] or 0 for x in statuses),
       sideBySide=side_by_side[:3], steps=len(statuses))
