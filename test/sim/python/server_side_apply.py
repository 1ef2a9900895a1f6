# Server-side apply through this client's ApiClient (its typed patch_* methods cannot send
# application/apply-patch+yaml): a YAML body creates the Deployment, ownership
# is recorded in managedFields, another manager's change to a field is a 409 conflict until
# force=true, and an apply without fieldManager is refused with the API server's 422.
from kubernetes.client.rest import ApiException

from common import check, client, load, report

api = load()
apps = client.AppsV1Api(api)
ns = "team-a"
path = f"/apis/apps/v1/namespaces/{ns}/deployments/py-ssa"
manifest = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: py-ssa
spec:
  replicas: {replicas}
  selector:
    matchLabels: {{app: py-ssa}}
  template:
    metadata:
      labels: {{app: py-ssa}}
    spec:
      containers:
      - name: main
        image: nginx:1.27.3
"""


def apply(replicas, manager="py-apply", force=False):
    q = [("fieldManager", manager)] if manager else []
    if force:
        q.append(("force", "true"))
    return api.call_api(path, "PATCH", query_params=q, header_params={"Content-Type": "application/apply-patch+yaml", "Accept": "application/json"},
                        body=manifest.format(replicas=replicas), response_type="V1Deployment", auth_settings=["BearerToken"], _return_http_data_only=False)


d, code, _ = apply(1)
check(code == 201 and d.spec.replicas == 1, f"apply created it: {code}")
check([m.manager for m in d.metadata.managed_fields] == ["py-apply"] and d.metadata.managed_fields[0].operation == "Apply", "the applier owns its fields")
apps.patch_namespaced_deployment("py-ssa", ns, {"spec": {"replicas": 4}}, field_manager="py-scaler")
conflict = None
try:
    apply(2)
except ApiException as e:
    conflict = (e.status, e.body)
check(conflict and conflict[0] == 409 and 'conflict with \\"py-scaler\\"' in conflict[1] and ".spec.replicas" in conflict[1], f"conflict: {conflict}")
d, code, _ = apply(2, force=True)
check(code == 200 and d.spec.replicas == 2, "force takes the field")
check(all(m.manager != "py-scaler" for m in d.metadata.managed_fields), "the other manager lost it")
missing = None
try:
    apply(3, manager=None)
except ApiException as e:
    missing = (e.status, e.body)
check(missing and missing[0] == 422 and "fieldManager: Required value: is required for apply patch" in missing[1], f"no fieldManager: {missing}")
report(conflict=conflict[0], managers=[m.manager for m in d.metadata.managed_fields])
