// Whether the built web UI must be built again: missing, or older than any of its sources.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The newest modification time of the files below `dir` (0 when it is not there, as in the image). */
function newestMtime(dir: string): number {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/** Why `builtDir` needs a build ('missing', 'older than its sources'), or null when it is current. */
export function rendererStale(builtDir: string, sourceDirs: string[]): string | null {
  const built = join(builtDir, 'index.html');
  if (!existsSync(built)) return 'missing';
  return statSync(built).mtimeMs < Math.max(...sourceDirs.map(newestMtime)) ? 'older than its sources' : null;
}
