// Labels as this app reads and writes them: the managed-by label on what it creates, and
// how a matchLabels selector selects (Deployment and Service selectors).

export const MANAGED_BY = 'app.kubernetes.io/managed-by';
/** What this app writes in MANAGED_BY: on its Deployments, Services and the usage ConfigMap. */
export const MANAGER = 'kubernetes-model-manager';
/** The other value in use before this one was chosen (the usage ConfigMap carried it): what carries it stays this app's. */
const FORMER_MANAGERS = new Set(['model-manager']);

/** Created by this app (now or by an earlier version). */
export function isManaged(labels: Record<string, string> | undefined): boolean {
  const value = labels?.[MANAGED_BY];
  return value === MANAGER || (value !== undefined && FORMER_MANAGERS.has(value));
}

/**
 * Does this matchLabels selector select these labels? An empty selector selects nothing here:
 * the API server refuses one on a Deployment, and on a Service it means "no pods".
 */
export function selects(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  const entries = Object.entries(selector ?? {});
  return entries.length > 0 && entries.every(([k, v]) => labels?.[k] === v);
}
