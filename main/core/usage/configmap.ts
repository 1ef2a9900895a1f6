// Read-modify-write of the ConfigMap model-usage-stats with resourceVersion: a write that
// lost a race (409) is redone on a fresh read, so concurrent instances never overwrite
// each other's increments.
import type { V1ConfigMap } from '@kubernetes/client-node';
import { AppError } from '../errors.ts';
import type { KubeClient } from '../kube/client.ts';
import { MANAGED_BY, MANAGER } from '../kube/labels.ts';
import { decodeDoc, encodeDoc, type UsageDoc } from './doc.ts';

export const CONFIGMAP_NAME = 'model-usage-stats';
const MAX_CONFLICTS = 20;

export interface ReadResult {
  doc: UsageDoc;
  resourceVersion: string | null;
}

export class UsageConfigMap {
  readonly #kube: KubeClient;

  constructor(kube: KubeClient) {
    this.#kube = kube;
  }

  async read(): Promise<ReadResult> {
    const cm = await this.#readRaw();
    const doc = decodeDoc(cm?.data);
    if (cm?.metadata?.resourceVersion) doc.rv = cm.metadata.resourceVersion;
    return { doc, resourceVersion: cm?.metadata?.resourceVersion ?? null };
  }

  /**
   * Applies `change` to the current document and writes it back; on 409 (someone wrote in
   * between) or AlreadyExists it reads again and re-applies. `change` returns false when
   * there is nothing to write. Returns the document as written (or as read).
   */
  async update(change: (doc: UsageDoc, exists: boolean) => boolean): Promise<UsageDoc> {
    const kube = this.#kube;
    for (let attempt = 0; attempt < MAX_CONFLICTS; attempt++) {
      const cm = await this.#readRaw();
      const doc = decodeDoc(cm?.data);
      if (cm?.metadata?.resourceVersion) doc.rv = cm.metadata.resourceVersion;
      if (!change(doc, cm !== null)) return doc;
      const data = encodeDoc(doc);
      try {
        if (!cm) {
          const body: V1ConfigMap = {
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: { name: CONFIGMAP_NAME, namespace: kube.namespace, labels: { [MANAGED_BY]: MANAGER } },
            data,
          };
          const made = await kube.call(`create configmap ${CONFIGMAP_NAME}`, () => kube.core.createNamespacedConfigMap({ namespace: kube.namespace, body }));
          doc.rv = made?.metadata?.resourceVersion;
        } else {
          // resourceVersion in the body makes the API server refuse a stale write with 409.
          const body: V1ConfigMap = { ...cm, data };
          const written = await kube.call(`update configmap ${CONFIGMAP_NAME}`, () =>
            kube.core.replaceNamespacedConfigMap({ name: CONFIGMAP_NAME, namespace: kube.namespace, body }),
          );
          doc.rv = written?.metadata?.resourceVersion;
        }
        return doc;
      } catch (err) {
        if (err instanceof AppError && err.status === 409) continue;
        throw err;
      }
    }
    throw new AppError(503, `configmap ${CONFIGMAP_NAME} kept changing under ${MAX_CONFLICTS} tries; will retry`);
  }

  async #readRaw(): Promise<V1ConfigMap | null> {
    const kube = this.#kube;
    try {
      return await kube.call(`read configmap ${CONFIGMAP_NAME}`, () => kube.core.readNamespacedConfigMap({ name: CONFIGMAP_NAME, namespace: kube.namespace }));
    } catch (err) {
      if (err instanceof AppError && err.status === 404 && err.details.k8s_code === 404) return null;
      throw err;
    }
  }
}
