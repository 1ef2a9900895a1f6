// SelfSubjectAccessReview and SelfSubjectRulesReview (authorization.k8s.io/v1), answered by
// the simulator's authorizer for the caller (pkg/registry/authorization/selfsubjectaccessreview
// and selfsubjectrulesreview rest.go: 201 with the spec echoed and a status), and TokenRequest
// on serviceaccounts/NAME/token, whose token then authenticates as that service account and
// is authorized by RBAC (pkg/registry/core/serviceaccount/storage/token.go).
/* eslint-disable @typescript-eslint/no-explicit-any */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimContext } from './context.ts';
import type { ApiPath } from './paths.ts';
import type { Authenticator, User } from './auth.ts';
import { decide, groupsOf } from './auth.ts';
import { rbacRules } from './rbac.ts';
import { errors } from './status.ts';
import { readBody, readJson, sendJson } from './http.ts';
import { decodeObject, decodeReview, isProtobuf } from './protobuf.ts';
import { nowIso } from './types.ts';

function rulesFor(ctx: SimContext, user: User, ns: string): { resourceRules: any[]; nonResourceRules: any[]; incomplete: boolean } {
  const basic = { verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'] };
  const discovery = { verbs: ['get'], nonResourceURLs: ['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/openapi', '/openapi/*', '/readyz', '/version', '/version/'] };
  if (user.rbac) {
    const r = rbacRules(ctx.store, { name: user.name, groups: groupsOf(user) }, ns);
    return { resourceRules: [basic, ...r.resourceRules], nonResourceRules: [discovery, ...r.nonResourceRules], incomplete: false };
  }
  const inNs = user.namespace === undefined || user.namespace === ns;
  const rules: any[] = [basic];
  if (inNs) rules.push({ verbs: user.readOnly ? ['get', 'list', 'watch'] : ['*'], apiGroups: ['*'], resources: ['*'] });
  return { resourceRules: rules, nonResourceRules: user.readOnly || user.namespace !== undefined ? [discovery] : [{ verbs: ['*'], nonResourceURLs: ['*'] }], incomplete: false };
}

export async function serveReview(ctx: SimContext, user: User, p: ApiPath, req: IncomingMessage, res: ServerResponse): Promise<void> {
  // kubectl auth can-i sends these as protobuf; other clients as JSON.
  const body: any = isProtobuf(req.headers['content-type']) ? decodeReview(await readBody(req)) : await readJson(req);
  const spec = body?.spec ?? {};
  if (p.r.plural === 'selfsubjectaccessreviews') {
    const ra = spec.resourceAttributes;
    const nra = spec.nonResourceAttributes;
    if (!ra && !nra)
      throw errors.invalid({ ...p.r, group: 'authorization.k8s.io' }, '', [{ reason: 'FieldValueRequired', field: 'spec.resourceAttributes',
        message: 'Required value: exactly one of nonResourceAttributes or resourceAttributes must be specified' }]);
    let d: { allowed: boolean; reason: string };
    if (ra) {
      const a: any = { verb: String(ra.verb ?? ''), group: String(ra.group ?? ''), resource: String(ra.resource ?? '') };
      if (ra.subresource) a.subresource = ra.subresource;
      if (ra.namespace) a.namespace = ra.namespace;
      if (ra.name) a.name = ra.name;
      d = decide(user, a, ctx.store);
    } else {
      d = { allowed: !user.rbac && !user.readOnly && user.namespace === undefined, reason: '' };
    }
    const status: any = { allowed: d.allowed };
    if (d.reason) status.reason = d.reason;
    return sendJson(res, 201, { kind: 'SelfSubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', metadata: { creationTimestamp: null }, spec, status });
  }
  const ns = String(spec.namespace ?? '');
  return sendJson(res, 201, { kind: 'SelfSubjectRulesReview', apiVersion: 'authorization.k8s.io/v1', metadata: { creationTimestamp: null }, spec,
    status: rulesFor(ctx, user, ns || 'default') });
}

/** POST serviceaccounts/NAME/token: a token for that service account, authorized by RBAC from then on. */
export async function serveTokenRequest(ctx: SimContext, auth: Authenticator, p: ApiPath, req: IncomingMessage, res: ServerResponse): Promise<void> {
  // kubectl create token sends protobuf.
  const body: any = isProtobuf(req.headers['content-type']) ? decodeObject(await readBody(req)) : await readJson(req).catch(() => ({}));
  const seconds = Number(body?.spec?.expirationSeconds ?? 3600);
  if (seconds < 600) throw errors.invalid({ ...p.r, kind: 'TokenRequest', group: 'authentication.k8s.io' }, p.name!, [
    { reason: 'FieldValueInvalid', field: 'spec.expirationSeconds', message: `Invalid value: ${seconds}: may not specify a duration less than 10 minutes` }]);
  const token = `sim-sa.${randomBytes(24).toString('hex')}`;
  auth.add(token, { name: `system:serviceaccount:${p.namespace}:${p.name}`, readOnly: false, rbac: true });
  const exp = new Date(Date.now() + seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  ctx.log(`[SIM] token issued for service account ${p.namespace}/${p.name} (authorized by RBAC)`);
  sendJson(res, 201, { kind: 'TokenRequest', apiVersion: 'authentication.k8s.io/v1', metadata: { name: p.name, namespace: p.namespace, creationTimestamp: nowIso() },
    spec: { audiences: body?.spec?.audiences ?? ['https://kubernetes.default.svc.cluster.local'], expirationSeconds: seconds, boundObjectRef: body?.spec?.boundObjectRef ?? null },
    status: { token, expirationTimestamp: exp } });
}
