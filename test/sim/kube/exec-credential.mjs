#!/usr/bin/env node
// The simulator's exec credential plugin, in the part of the protocol that EKS's
// `aws eks get-token`, GKE's gke-gcloud-auth-plugin and AKS's kubelogin share: print an
// ExecCredential with a bearer token on stdout. Plain JavaScript so any `node` on PATH runs it.
//   KUBE_SIM_EXEC_TOKEN        the token to hand out (required)
//   KUBE_SIM_EXEC_TTL_SECONDS  sets status.expirationTimestamp that far ahead
//   KUBE_SIM_EXEC_COUNT_FILE   a line is appended at every run (tests count the runs)
//   KUBE_SIM_EXEC_FAIL_WITH    print this to stderr and exit 1 (a plugin that fails, saying why)
import { appendFileSync } from 'node:fs';

if (process.env.KUBE_SIM_EXEC_FAIL_WITH) {
  process.stderr.write(`${process.env.KUBE_SIM_EXEC_FAIL_WITH}\n`);
  process.exit(1);
}
const token = process.env.KUBE_SIM_EXEC_TOKEN;
if (!token) {
  process.stderr.write('exec-credential: KUBE_SIM_EXEC_TOKEN is not set\n');
  process.exit(1);
}
if (process.env.KUBE_SIM_EXEC_COUNT_FILE) appendFileSync(process.env.KUBE_SIM_EXEC_COUNT_FILE, `${Date.now()}\n`);
const status = { token };
const ttl = Number(process.env.KUBE_SIM_EXEC_TTL_SECONDS);
if (process.env.KUBE_SIM_EXEC_TTL_SECONDS && Number.isFinite(ttl)) status.expirationTimestamp = new Date(Date.now() + ttl * 1000).toISOString();
process.stdout.write(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', spec: { interactive: false }, status }) + '\n');
