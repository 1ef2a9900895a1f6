# Strategic merge patch, as this client sends it for a dict body (patch_* methods): lists
# merge on their patchMergeKey (containers and env by name, container ports by
# containerPort, service ports by port), $patch: delete removes one item, $retainKeys
# clears the rest of a map; a list body is a JSON patch, and a failed "test" is a 422.
from kubernetes.client.rest import ApiException

from common import check, client, load, report

api = load()
apps = client.AppsV1Api(api)
core = client.CoreV1Api(api)
ns = "default"
labels = {"app": "py-smp"}
app = client.V1Container(
    name="app", image="registry.example/app:1",
    env=[client.V1EnvVar(name="A", value="1"), client.V1EnvVar(name="B", value="2")],
    ports=[client.V1ContainerPort(container_port=8080, name="http")],
    resources=client.V1ResourceRequirements(requests={"cpu": "100m", "memory": "64Mi"}, limits={"memory": "128Mi"}),
)
sidecar = client.V1Container(name="sidecar", image="registry.example/sidecar:1")
dep = client.V1Deployment(
    metadata=client.V1ObjectMeta(name="py-smp"),
    spec=client.V1DeploymentSpec(
        replicas=1,
        selector=client.V1LabelSelector(match_labels=labels),
        template=client.V1PodTemplateSpec(metadata=client.V1ObjectMeta(labels=labels), spec=client.V1PodSpec(containers=[app, sidecar])),
    ),
)
apps.create_namespaced_deployment(ns, dep)

# One container's image: the other container and this one's resources, env and ports stay.
d = apps.patch_namespaced_deployment("py-smp", ns, {"spec": {"template": {"spec": {"containers": [{"name": "app", "image": "registry.example/app:2"}]}}}})
cs = {c.name: c for c in d.spec.template.spec.containers}
check(set(cs) == {"app", "sidecar"}, f"both containers kept: {list(cs)}")
check(cs["app"].image == "registry.example/app:2", "the image changed")
check(cs["app"].resources.requests == {"cpu": "100m", "memory": "64Mi"}, f"resources kept: {cs['app'].resources}")
check([e.name for e in cs["app"].env] == ["A", "B"], "env kept")

# env merged by name: C added, A deleted with $patch: delete; a port added by containerPort.
d = apps.patch_namespaced_deployment("py-smp", ns, {"spec": {"template": {"spec": {"containers": [{
    "name": "app",
    "env": [{"name": "C", "value": "3"}, {"name": "A", "$patch": "delete"}],
    "ports": [{"containerPort": 9090, "name": "metrics"}],
}]}}}})
app2 = [c for c in d.spec.template.spec.containers if c.name == "app"][0]
env = {e.name: e.value for e in app2.env}
check(env == {"B": "2", "C": "3"}, f"env merged by name: {env}")
check(sorted(p.container_port for p in app2.ports) == [8080, 9090], "ports merged by containerPort")

# $retainKeys (DeploymentSpec.strategy is patchStrategy=retainKeys): rollingUpdate goes with the switch to Recreate.
d = apps.patch_namespaced_deployment("py-smp", ns, {"spec": {"strategy": {"$retainKeys": ["type"], "type": "Recreate"}}})
check(d.spec.strategy.type == "Recreate" and d.spec.strategy.rolling_update is None, f"strategy: {d.spec.strategy}")

# A JSON patch (a list body) whose test fails: 422, not a server error.
status = None
try:
    apps.patch_namespaced_deployment("py-smp", ns, [{"op": "test", "path": "/spec/replicas", "value": 7}, {"op": "replace", "path": "/spec/replicas", "value": 2}])
except ApiException as e:
    status = e.status
check(status == 422, f"failed json-patch test: {status}")
check(apps.read_namespaced_deployment("py-smp", ns).spec.replicas == 1, "nothing changed")

# A Service's ports merge by port; a ConfigMap's data merges key by key (null removes).
core.create_namespaced_service(ns, client.V1Service(metadata=client.V1ObjectMeta(name="py-smp"), spec=client.V1ServiceSpec(
    selector=labels, ports=[client.V1ServicePort(name="http", port=80, target_port=8080)])))
s = core.patch_namespaced_service("py-smp", ns, {"spec": {"ports": [{"name": "metrics", "port": 9090, "targetPort": 9090}]}})
check(sorted(p.port for p in s.spec.ports) == [80, 9090], f"service ports merged: {[p.port for p in s.spec.ports]}")
core.create_namespaced_config_map(ns, client.V1ConfigMap(metadata=client.V1ObjectMeta(name="py-smp"), data={"a": "1", "b": "2"}))
cm = core.patch_namespaced_config_map("py-smp", ns, {"data": {"b": None, "c": "3"}})
check(cm.data == {"a": "1", "c": "3"}, f"configmap data: {cm.data}")

report(containers=list(cs), env=env, ports=sorted(p.container_port for p in app2.ports), jsonPatchTestStatus=status)
