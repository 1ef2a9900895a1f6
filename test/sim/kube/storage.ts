// Storage as a cluster with a default StorageClass and a dynamic provisioner has it
// (pkg/controller/volume/persistentvolume and an external provisioner, Immediate binding):
// the "standard" class (rancher.io/local-path, reclaim Delete) is seeded; a claim the binder
// binds (test/sim/pvc-binder.ts) gets its PersistentVolume pvc-<uid>, Bound to it with a
// claimRef; when the claim is deleted its volume is Released and, with reclaim Delete, goes.
// With pvcProtection (a real cluster always has it: the StorageObjectInUseProtection admission
// plugin and pkg/controller/volume/pvcprotection) a claim carries kubernetes.io/pvc-protection
// and, deleted while a pod uses it, stays Terminating until no pod does.
/* eslint-disable @typescript-eslint/no-explicit-any */
import type { KObj } from './types.ts';
import { clone } from './types.ts';
import type { Store, StoreEvent } from './store.ts';
import { findResource, resourceFor } from './resources.ts';
import { storeOrFinish } from './deletion.ts';

const pvcs = resourceFor('persistentvolumeclaims');
const pvs = resourceFor('persistentvolumes');
const classes = findResource('storage.k8s.io', 'storageclasses')!;
export const PROVISIONER = 'rancher.io/local-path';
const PROTECTION = 'kubernetes.io/pvc-protection';
const podsR = resourceFor('pods');

export function seedStorage(store: Store): void {
  store.create(classes, {
    metadata: { name: 'standard', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
    provisioner: PROVISIONER, reclaimPolicy: 'Delete', volumeBindingMode: 'Immediate', allowVolumeExpansion: true,
  });
}

function volumeFor(pvc: KObj): KObj {
  const cls = pvc.spec?.storageClassName ?? 'standard';
  return {
    metadata: {
      name: pvc.spec.volumeName,
      annotations: { 'pv.kubernetes.io/provisioned-by': PROVISIONER, 'local.path.provisioner/selected-node': 'cpu-01' },
      finalizers: ['kubernetes.io/pv-protection'],
    },
    spec: {
      capacity: { storage: pvc.spec?.resources?.requests?.storage ?? '1Gi' },
      accessModes: pvc.spec?.accessModes ?? ['ReadWriteOnce'],
      persistentVolumeReclaimPolicy: 'Delete',
      storageClassName: cls,
      volumeMode: pvc.spec?.volumeMode ?? 'Filesystem',
      hostPath: { path: `/opt/local-path-provisioner/${pvc.spec.volumeName}_${pvc.metadata.namespace}_${pvc.metadata.name}`, type: 'DirectoryOrCreate' },
      claimRef: { kind: 'PersistentVolumeClaim', namespace: pvc.metadata.namespace, name: pvc.metadata.name, uid: pvc.metadata.uid, apiVersion: 'v1', resourceVersion: pvc.metadata.resourceVersion },
    },
    status: { phase: 'Bound' },
  };
}

export class StorageController {
  private store: Store;
  private log: (m: string) => void;
  private closed = false;
  private protect: boolean;

  constructor(store: Store, log: (m: string) => void, opts: { pvcProtection?: boolean } = {}) {
    this.store = store;
    this.log = log;
    this.protect = opts.pvcProtection ?? false;
  }

  onEvent(e: StoreEvent): void {
    if (this.closed) return;
    if (this.protect && e.r === podsR && (e.type === 'DELETED' || e.obj.status?.phase === 'Succeeded' || e.obj.status?.phase === 'Failed')) {
      for (const v of e.obj.spec?.volumes ?? []) {
        const claim = v.persistentVolumeClaim?.claimName;
        if (claim) setImmediate(() => this.release(e.obj.metadata.namespace!, claim));
      }
    }
    if (e.r !== pvcs) return;
    const pvc = e.obj;
    if (this.protect && e.type === 'ADDED' && !(pvc.metadata.finalizers ?? []).includes(PROTECTION)) setImmediate(() => this.addProtection(pvc.metadata.namespace!, pvc.metadata.name!));
    if (this.protect && e.type === 'MODIFIED' && pvc.metadata.deletionTimestamp) setImmediate(() => this.release(pvc.metadata.namespace!, pvc.metadata.name!));
    if (e.type !== 'DELETED' && pvc.status?.phase === 'Bound' && pvc.spec?.volumeName && !this.store.getEntry(pvs, undefined, pvc.spec.volumeName)) {
      setImmediate(() => this.provision(pvc.metadata.namespace!, pvc.metadata.name!));
    }
    if (e.type === 'DELETED' && pvc.spec?.volumeName) setImmediate(() => this.reclaim(pvc.spec.volumeName, pvc.metadata.uid!));
  }

  private addProtection(ns: string, name: string): void {
    const pvc = this.store.getEntry(pvcs, ns, name)?.obj;
    if (!pvc || pvc.metadata.deletionTimestamp || (pvc.metadata.finalizers ?? []).includes(PROTECTION)) return;
    const o = clone(pvc);
    o.metadata.finalizers = [...(o.metadata.finalizers ?? []), PROTECTION];
    this.store.update(pvcs, o);
  }

  /** A claim being deleted loses its protection once no pod that is not finished uses it. */
  private release(ns: string, name: string): void {
    const pvc = this.store.getEntry(pvcs, ns, name)?.obj;
    if (!pvc?.metadata.deletionTimestamp || !(pvc.metadata.finalizers ?? []).includes(PROTECTION)) return;
    const inUse = this.store.entries(podsR, ns).some((e) => e.obj.status?.phase !== 'Succeeded' && e.obj.status?.phase !== 'Failed'
      && (e.obj.spec?.volumes ?? []).some((v: any) => v.persistentVolumeClaim?.claimName === name));
    if (inUse) return;
    const o = clone(pvc);
    o.metadata.finalizers = (o.metadata.finalizers ?? []).filter((f: string) => f !== PROTECTION);
    storeOrFinish(this.store, pvcs, o);
  }

  private provision(ns: string, name: string): void {
    const pvc = this.store.getEntry(pvcs, ns, name)?.obj;
    if (!pvc?.spec?.volumeName || this.store.getEntry(pvs, undefined, pvc.spec.volumeName)) return;
    this.store.create(pvs, volumeFor(pvc));
    const o = clone(pvc);
    o.metadata.annotations = { ...(o.metadata.annotations ?? {}),
      'pv.kubernetes.io/bind-completed': 'yes', 'pv.kubernetes.io/bound-by-controller': 'yes',
      'volume.beta.kubernetes.io/storage-provisioner': PROVISIONER, 'volume.kubernetes.io/storage-provisioner': PROVISIONER };
    this.store.update(pvcs, o);
    this.log(`[SIM] provisioned persistentvolume ${pvc.spec.volumeName} for claim ${ns}/${name}`);
  }

  /** The claim is gone: its volume is Released, then deleted (reclaim policy Delete), pv-protection lifted. */
  private reclaim(volume: string, claimUid: string): void {
    const pv = this.store.getEntry(pvs, undefined, volume)?.obj;
    if (!pv || pv.spec?.claimRef?.uid !== claimUid) return;
    const released = clone(pv);
    released.status = { phase: 'Released' };
    this.store.update(pvs, released);
    if (pv.spec?.persistentVolumeReclaimPolicy !== 'Delete') return;
    setImmediate(() => {
      if (this.store.getEntry(pvs, undefined, volume)) this.store.remove(pvs, undefined, volume);
      this.log(`[SIM] deleted persistentvolume ${volume} (claim gone, reclaim policy Delete)`);
    });
  }

  close(): void {
    this.closed = true;
  }
}
