// The sim's stand-in for a dynamic provisioner: a new PersistentVolumeClaim is bound at once
// to a volume of the size it asked for (a cluster with a default StorageClass, Immediate binding).
/* eslint-disable @typescript-eslint/no-explicit-any */
import type { Store, StoreEvent } from './kube/store.ts';
import { clone } from './kube/types.ts';
import { resourceFor } from './kube/resources.ts';

const pvcs = resourceFor('persistentvolumeclaims');

export function bindClaims(store: Store): (e: StoreEvent) => void {
  return (e) => {
    if (e.r.plural !== 'persistentvolumeclaims' || e.type !== 'ADDED' || e.obj.status?.phase === 'Bound') return;
    const { namespace, name } = e.obj.metadata;
    // After the create has answered, as a provisioner would.
    setImmediate(() => {
      const cur = store.getEntry(pvcs, namespace, String(name));
      if (!cur || cur.obj.status?.phase === 'Bound') return;
      const pvc: any = clone(cur.obj);
      pvc.spec = { ...pvc.spec, volumeName: `pvc-${pvc.metadata.uid}`, storageClassName: pvc.spec?.storageClassName ?? 'standard', volumeMode: pvc.spec?.volumeMode ?? 'Filesystem' };
      pvc.status = { phase: 'Bound', accessModes: pvc.spec.accessModes ?? ['ReadWriteOnce'], capacity: { storage: pvc.spec.resources?.requests?.storage ?? '1Gi' } };
      store.update(pvcs, pvc);
    });
  };
}
