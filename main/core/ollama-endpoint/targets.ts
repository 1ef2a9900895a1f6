// Which Ollama a model's requests go to: the operator's setting first, then a managed
// deployment whose model it is (its Service, through the API server), else the shared Ollama.
import { isOllamaName, type DeploymentInfo } from '../../../preload/contract/index.ts';
import { canonicalModelName } from '../vram/model-name.ts';

export type Target = { kind: 'shared' } | { kind: 'deployment'; namespace: string; name: string };
export type TargetSource = 'setting' | 'deployment' | 'default';

export const SHARED: Target = { kind: 'shared' };

/** "llama3.2" and "library/llama3.2:latest" are one model, as usage counts them. */
export const sameModel = (a: string, b: string): boolean => canonical(a) === canonical(b);
export const canonical = (name: string): string => (isOllamaName(name.trim()) ? canonicalModelName(name.trim()) : name.trim());

export function targetName(t: Target): string {
  return t.kind === 'shared' ? 'shared' : `${t.namespace}/${t.name}`;
}

export function parseTarget(text: string): Target {
  if (text === 'shared') return SHARED;
  const [namespace, name] = text.split('/');
  return { kind: 'deployment', namespace: namespace!, name: name! };
}

/**
 * The target of `model`. Among managed deployments serving it, a running one is preferred
 * (then the first by namespace/name, so the answer is stable).
 */
export function targetFor(model: string, overrides: Record<string, string>, deployments: readonly DeploymentInfo[]): { target: Target; source: TargetSource } {
  const key = Object.keys(overrides).find((k) => sameModel(k, model));
  if (key !== undefined) return { target: parseTarget(overrides[key]!), source: 'setting' };
  const serving = deployments
    .filter((d) => d.managed && d.model_id && sameModel(d.model_id, model))
    .sort((a, b) => Number(b.status === 'Running') - Number(a.status === 'Running') || `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`));
  const d = serving[0];
  if (d) return { target: { kind: 'deployment', namespace: d.namespace, name: d.name }, source: 'deployment' };
  return { target: SHARED, source: 'default' };
}
