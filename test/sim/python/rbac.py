# RBAC objects and the authorizer: a ServiceAccount, a Role and a RoleBinding created through
# this client; a token from the TokenRequest API; with it the service account may do exactly
# what the Role says (403 elsewhere), and SelfSubjectAccessReview / SelfSubjectRulesReview
# answer as the authorizer decides, for it and for the full-access user.
import os

from kubernetes.client.rest import ApiException

from common import check, client, exists, load, report, wait_for

api = load()
core = client.CoreV1Api(api)
rbac = client.RbacAuthorizationV1Api(api)
authz = client.AuthorizationV1Api(api)
ns = "team-a"

def ssar(a, verb, resource, group="", namespace=ns, name=None):
    attrs = client.V1ResourceAttributes(verb=verb, resource=resource, group=group, namespace=namespace, name=name)
    return a.create_self_subject_access_review(client.V1SelfSubjectAccessReview(spec=client.V1SelfSubjectAccessReviewSpec(resource_attributes=attrs))).status


admin = ssar(authz, "create", "deployments", "apps")
check(admin.allowed, "the full-access user may create deployments")
check(any(r.metadata.name == "view" for r in rbac.list_cluster_role().items), "bootstrap ClusterRoles exist")
check(core.read_namespaced_service_account("default", ns).metadata.name == "default", "each namespace has a default service account")
core.create_namespace(client.V1Namespace(metadata=client.V1ObjectMeta(name="py-fresh")))
wait_for(lambda: exists(core.read_namespaced_service_account, "default", "py-fresh"), "a new namespace gets its default service account")

core.create_namespaced_service_account(ns, client.V1ServiceAccount(metadata=client.V1ObjectMeta(name="py-operator")))
rbac.create_namespaced_role(ns, client.V1Role(metadata=client.V1ObjectMeta(name="py-deployer"), rules=[
    client.V1PolicyRule(api_groups=["apps"], resources=["deployments"], verbs=["get", "list", "watch", "create", "patch", "delete"]),
    client.V1PolicyRule(api_groups=[""], resources=["pods", "pods/log"], verbs=["get", "list"]),
]))
rbac.create_namespaced_role_binding(ns, client.V1RoleBinding(metadata=client.V1ObjectMeta(name="py-deployer"),
    role_ref=client.V1RoleRef(api_group="rbac.authorization.k8s.io", kind="Role", name="py-deployer"),
    subjects=[client.V1Subject(kind="ServiceAccount", name="py-operator", namespace=ns)]))
tr = core.create_namespaced_service_account_token("py-operator", ns, client.AuthenticationV1TokenRequest(spec=client.V1TokenRequestSpec(audiences=[])))
token = tr.status.token
check(token and tr.status.expiration_timestamp, "a token was issued")

cfg = client.Configuration.get_default_copy()
cfg.api_key = {"authorization": "Bearer " + token}
cfg.cert_file = None
cfg.key_file = None
sa_api = client.ApiClient(cfg)
sa_apps = client.AppsV1Api(sa_api)
sa_core = client.CoreV1Api(sa_api)
sa_authz = client.AuthorizationV1Api(sa_api)

check(isinstance(sa_apps.list_namespaced_deployment(ns).items, list), "the Role allows listing deployments in team-a")
sa_core.list_namespaced_pod(ns)


def status_of(fn, *args):
    try:
        fn(*args)
        return 200
    except ApiException as e:
        return e.status


denied = {
    "pods in research": status_of(sa_core.list_namespaced_pod, "research"),
    "configmaps in team-a": status_of(sa_core.list_namespaced_config_map, ns),
    "nodes": status_of(sa_core.list_node),
}
check(all(v == 403 for v in denied.values()), f"everything else is forbidden: {denied}")
allowed = ssar(sa_authz, "create", "deployments", "apps")
check(allowed.allowed and allowed.reason == 'RBAC: allowed by RoleBinding "py-deployer/team-a" of Role "py-deployer" to ServiceAccount "py-operator/team-a"', f"reason: {allowed.reason}")
check(not ssar(sa_authz, "delete", "pods").allowed, "deleting pods is not in the Role")
check(not ssar(sa_authz, "list", "deployments", "apps", namespace="research").allowed, "nor is another namespace")
check(ssar(sa_authz, "get", "pods", namespace=ns).allowed, "reading pods is")
rules = sa_authz.create_self_subject_rules_review(client.V1SelfSubjectRulesReview(spec=client.V1SelfSubjectRulesReviewSpec(namespace=ns))).status
check(any(r.resources == ["deployments"] and "create" in r.verbs for r in rules.resource_rules), f"rules review lists the Role: {rules.resource_rules}")

# Binding the bootstrap "view" ClusterRole in research lets it read there.
rbac.create_namespaced_role_binding("research", client.V1RoleBinding(metadata=client.V1ObjectMeta(name="py-view"),
    role_ref=client.V1RoleRef(api_group="rbac.authorization.k8s.io", kind="ClusterRole", name="view"),
    subjects=[client.V1Subject(kind="ServiceAccount", name="py-operator", namespace=ns)]))
check(status_of(sa_core.list_namespaced_pod, "research") == 200, "view in research allows listing its pods")
check(status_of(sa_core.list_namespaced_config_map, ns) == 403, "still nothing new in team-a")
with open(os.environ["TOKEN_OUT"], "w") as f:
    f.write(token)
report(denied=denied, reason=allowed.reason)
