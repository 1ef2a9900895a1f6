// One journal belongs to one live process. The desktop app and the headless server may
// share a state folder, so a process takes the first slot whose lock is free (or held by a
// dead process, as after SIGKILL) and keeps it while it runs.
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';

export interface Slot {
  dir: string;
  release(): Promise<void>;
}

const MAX_SLOTS = 16;

/**
 * The journal folder of one cluster and namespace: pending increments must only ever be
 * flushed into the ConfigMap they were accepted for, even when the operator switches
 * context or runs the demo cluster from the same state folder.
 */
export function journalRoot(stateDir: string, server: string, namespace: string): string {
  const key = createHash('sha256').update(`${server}\n${namespace}`).digest('hex').slice(0, 12);
  return path.join(stateDir, 'usage', `${namespace}-${key}`);
}

export async function claimSlot(root: string): Promise<Slot> {
  await fs.mkdir(root, { recursive: true });
  for (let i = 0; i < MAX_SLOTS; i++) {
    const dir = i === 0 ? root : path.join(root, `slot-${i}`);
    await fs.mkdir(dir, { recursive: true });
    const lock = path.join(dir, 'lock');
    if (await tryLock(lock)) {
      return {
        dir,
        release: async () => {
          const owner = await readPid(lock);
          if (owner === process.pid) await fs.rm(lock, { force: true });
        },
      };
    }
  }
  throw new Error(`usage journal: all ${MAX_SLOTS} slots under ${root} are held by running processes`);
}

async function tryLock(lock: string): Promise<boolean> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await fs.writeFile(lock, String(process.pid), { flag: 'wx' });
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const pid = await readPid(lock);
    if (pid !== null && pid !== process.pid && alive(pid)) return false;
    if (pid === process.pid) return false; // another side of this very process holds it
    await fs.rm(lock, { force: true }); // stale: its owner died without releasing it
  }
  return false;
}

async function readPid(lock: string): Promise<number | null> {
  try {
    const n = Number.parseInt(await fs.readFile(lock, 'utf8'), 10);
    return Number.isInteger(n) && n > 0 ? n : null;
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
