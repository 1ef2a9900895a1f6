# Deletion as the API server and garbage collector do it, through this client's delete_*:
# Orphan leaves the ReplicaSet and pods (their owner reference removed); Foreground keeps
# the Deployment (deletionTimestamp, foregroundDeletion finalizer) until its pods are gone;
# Background removes it at once and its dependents after; a pod is Terminating for its
# grace period; an object with a finalizer waits for it; orphanDependents=True is Orphan.
import time

from common import check, client, exists, load, report, wait_for

api = load()
apps = client.AppsV1Api(api)
core = client.CoreV1Api(api)
ns = "team-a"


def make(name, replicas=1):
    labels = {"app": name}
    apps.create_namespaced_deployment(ns, client.V1Deployment(
        metadata=client.V1ObjectMeta(name=name),
        spec=client.V1DeploymentSpec(replicas=replicas, selector=client.V1LabelSelector(match_labels=labels),
                                     template=client.V1PodTemplateSpec(metadata=client.V1ObjectMeta(labels=labels),
                                                                       spec=client.V1PodSpec(containers=[client.V1Container(name="main", image="nginx:1.27.3")])))))
    wait_for(lambda: (apps.read_namespaced_deployment(name, ns).status.ready_replicas or 0) == replicas, f"{name} ready")
    return labels


def pods(name):
    return core.list_namespaced_pod(ns, label_selector=f"app={name}").items


def sets(name):
    return apps.list_namespaced_replica_set(ns, label_selector=f"app={name}").items


facts = {}

# Orphan: the ReplicaSet and pods stay, without the owner reference.
make("py-orphan", 2)
apps.delete_namespaced_deployment("py-orphan", ns, propagation_policy="Orphan")
wait_for(lambda: exists(apps.read_namespaced_deployment, "py-orphan", ns) is None, "orphan-deleted deployment gone")
time.sleep(0.5)
rs = sets("py-orphan")
check(len(rs) == 1 and not rs[0].metadata.owner_references, f"replicaset kept without owner: {[(r.metadata.name, r.metadata.owner_references) for r in rs]}")
check(len([p for p in pods("py-orphan") if not p.metadata.deletion_timestamp]) == 2, "both pods kept")
facts["orphan"] = {"replicasets": len(rs), "pods": len(pods("py-orphan"))}

# Foreground: the Deployment stays, marked, while its pods terminate; then all are gone.
make("py-fg")
apps.delete_namespaced_deployment("py-fg", ns, propagation_policy="Foreground")
d = apps.read_namespaced_deployment("py-fg", ns)
check(d.metadata.deletion_timestamp is not None and "foregroundDeletion" in (d.metadata.finalizers or []), f"foreground owner marked: {d.metadata.finalizers}")
terminating = wait_for(lambda: [p for p in pods("py-fg") if p.metadata.deletion_timestamp], "pods terminating")
check(exists(apps.read_namespaced_deployment, "py-fg", ns) is not None, "the deployment waits for its pods")
t0 = time.time()
wait_for(lambda: exists(apps.read_namespaced_deployment, "py-fg", ns) is None, "foreground deployment gone")
check(not pods("py-fg") and not sets("py-fg"), "pods and replicasets gone before the owner")
facts["foreground"] = {"finalizers": d.metadata.finalizers, "terminatingPods": len(terminating), "ownerWaitedSeconds": round(time.time() - t0, 2)}

# Background: the Deployment goes at once, the pods after it.
make("py-bg")
apps.delete_namespaced_deployment("py-bg", ns, propagation_policy="Background")
check(exists(apps.read_namespaced_deployment, "py-bg", ns) is None, "background-deleted deployment gone at once")
wait_for(lambda: not pods("py-bg") and not sets("py-bg"), "background dependents gone")
facts["background"] = True

# orphanDependents=True in the body (the older option) orphans too.
make("py-old-orphan")
apps.delete_namespaced_deployment("py-old-orphan", ns, body=client.V1DeleteOptions(orphan_dependents=True))
wait_for(lambda: exists(apps.read_namespaced_deployment, "py-old-orphan", ns) is None, "old-style orphan gone")
time.sleep(0.3)
check(len(sets("py-old-orphan")) == 1, "orphanDependents=True kept the replicaset")

# A pod's grace period: Terminating, still readable, then gone; grace 0 removes at once.
p = pods("py-orphan")[0]
out = core.delete_namespaced_pod(p.metadata.name, ns, grace_period_seconds=30)
check(out.metadata.deletion_timestamp is not None and out.metadata.deletion_grace_period_seconds == 30, "graceful delete answers the pod with its deletion timestamp")
check(exists(core.read_namespaced_pod, p.metadata.name, ns) is not None, "the pod is still there while it terminates")
wait_for(lambda: exists(core.read_namespaced_pod, p.metadata.name, ns) is None, "terminated pod removed")
killing = core.list_namespaced_event(ns, field_selector=f"involvedObject.name={p.metadata.name},reason=Killing").items
check([e.message for e in killing] == ["Stopping container main"] and killing[0].source.component == "kubelet", f"Killing event: {[e.message for e in killing]}")
q = [x for x in pods("py-orphan") if not x.metadata.deletion_timestamp][0]
core.delete_namespaced_pod(q.metadata.name, ns, grace_period_seconds=0)
check(exists(core.read_namespaced_pod, q.metadata.name, ns) is None, "grace 0 removes the pod at once")

# A finalizer holds an object until it is removed.
core.create_namespaced_config_map(ns, client.V1ConfigMap(metadata=client.V1ObjectMeta(name="py-held", finalizers=["example.com/hold"])))
core.delete_namespaced_config_map("py-held", ns)
held = core.read_namespaced_config_map("py-held", ns)
check(held.metadata.deletion_timestamp is not None, "held object has a deletionTimestamp")
core.patch_namespaced_config_map("py-held", ns, {"metadata": {"finalizers": None}})
check(exists(core.read_namespaced_config_map, "py-held", ns) is None, "removing the last finalizer removes the object")

report(**facts)
