# A PersistentVolumeClaim bound by the simulated provisioner: the default StorageClass, a
# PersistentVolume pvc-<uid> Bound with a claimRef, the claim's bind annotations; deleting
# the claim releases and deletes the volume (reclaim policy Delete).
import os

from common import check, client, exists, load, report, wait_for

api = load()
core = client.CoreV1Api(api)
storage = client.StorageV1Api(api)
ns = "team-a"

sc = [c for c in storage.list_storage_class().items if (c.metadata.annotations or {}).get("storageclass.kubernetes.io/is-default-class") == "true"]
check(len(sc) == 1 and sc[0].reclaim_policy == "Delete", "one default StorageClass")
core.create_namespaced_persistent_volume_claim(ns, client.V1PersistentVolumeClaim(metadata=client.V1ObjectMeta(name="py-claim"),
    spec=client.V1PersistentVolumeClaimSpec(access_modes=["ReadWriteOnce"], resources=client.V1ResourceRequirements(requests={"storage": "5Gi"}))))
pvc = wait_for(lambda: (lambda c: c if c.status.phase == "Bound" else None)(core.read_namespaced_persistent_volume_claim("py-claim", ns)), "claim bound")
pv = wait_for(lambda: exists(core.read_persistent_volume, pvc.spec.volume_name), "volume provisioned")
check(pv.metadata.name == f"pvc-{pvc.metadata.uid}" and pv.status.phase == "Bound", f"volume: {pv.metadata.name} {pv.status.phase}")
check(pv.spec.claim_ref.name == "py-claim" and pv.spec.claim_ref.uid == pvc.metadata.uid and pv.spec.capacity == {"storage": "5Gi"}, "claimRef and size")
pvc = wait_for(lambda: (lambda c: c if (c.metadata.annotations or {}).get("pv.kubernetes.io/bind-completed") == "yes" else None)(
    core.read_namespaced_persistent_volume_claim("py-claim", ns)), "bind annotations")
core.delete_namespaced_persistent_volume_claim("py-claim", ns)
wait_for(lambda: exists(core.read_persistent_volume, pv.metadata.name) is None, "volume deleted with its claim")

if os.environ.get("PVC_PROTECTION"):
    # pvc-protection: a claim a pod uses is Terminating, not gone, until the pod is.
    core.create_namespaced_persistent_volume_claim(ns, client.V1PersistentVolumeClaim(metadata=client.V1ObjectMeta(name="py-used"),
        spec=client.V1PersistentVolumeClaimSpec(access_modes=["ReadWriteOnce"], resources=client.V1ResourceRequirements(requests={"storage": "1Gi"}))))
    wait_for(lambda: "kubernetes.io/pvc-protection" in (core.read_namespaced_persistent_volume_claim("py-used", ns).metadata.finalizers or []), "protection finalizer")
    core.create_namespaced_pod(ns, client.V1Pod(metadata=client.V1ObjectMeta(name="py-user"), spec=client.V1PodSpec(
        containers=[client.V1Container(name="main", image="nginx:1.27.3")],
        volumes=[client.V1Volume(name="data", persistent_volume_claim=client.V1PersistentVolumeClaimVolumeSource(claim_name="py-used"))])))
    core.delete_namespaced_persistent_volume_claim("py-used", ns)
    held = core.read_namespaced_persistent_volume_claim("py-used", ns)
    check(held.metadata.deletion_timestamp is not None, "the claim in use is Terminating")
    core.delete_namespaced_pod("py-user", ns, grace_period_seconds=0)
    wait_for(lambda: exists(core.read_namespaced_persistent_volume_claim, "py-used", ns) is None, "the claim goes with its pod")
    print("protection checked")
report(volume=pv.metadata.name, storageClass=pvc.spec.storage_class_name, protection=bool(os.environ.get("PVC_PROTECTION")))
