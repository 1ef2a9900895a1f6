// The serviceaccount controller, small: every namespace has a "default" ServiceAccount
// (pkg/controller/serviceaccount/serviceaccounts_controller.go), made again if deleted.
import type { Store, StoreEvent } from './store.ts';
import { resourceFor } from './resources.ts';

const namespaces = resourceFor('namespaces');
const sas = resourceFor('serviceaccounts');

export class ServiceAccountsController {
  private store: Store;
  private closed = false;

  constructor(store: Store) {
    this.store = store;
  }

  ensure(ns: string): void {
    const n = this.store.getEntry(namespaces, undefined, ns)?.obj;
    if (!n || n.status?.phase === 'Terminating' || n.metadata.deletionTimestamp) return;
    if (!this.store.getEntry(sas, ns, 'default')) this.store.create(sas, { metadata: { name: 'default', namespace: ns } });
  }

  /** Every namespace at start (seeding), its default account as old as the namespace. */
  seed(): void {
    for (const e of this.store.entries(namespaces)) {
      if (!this.store.getEntry(sas, e.obj.metadata.name, 'default'))
        this.store.create(sas, { metadata: { name: 'default', namespace: e.obj.metadata.name, creationTimestamp: e.obj.metadata.creationTimestamp } });
    }
  }

  onEvent(e: StoreEvent): void {
    if (this.closed) return;
    if (e.r === namespaces && e.type === 'ADDED') setImmediate(() => this.ensure(e.obj.metadata.name!));
    if (e.r === sas && e.type === 'DELETED' && e.obj.metadata.name === 'default') setImmediate(() => this.ensure(e.obj.metadata.namespace!));
  }

  close(): void {
    this.closed = true;
  }
}
