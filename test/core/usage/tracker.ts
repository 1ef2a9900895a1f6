// A tracker process for the multi-process test: builds the usage side against a kubeconfig
// and a state folder, counts one use per model name read from stdin (one at a time), and
// prints "ok <model>" for each increment answered with success. stdin's end closes it.
import { createInterface } from 'node:readline';
import { silentLogger } from '../../../main/core/log.ts';
import { createUsageSideWith } from '../../../main/core/usage/index.ts';
import { testContext } from './context.ts';

const [kubeconfig, stateDir] = process.argv.slice(2);
if (!kubeconfig || !stateDir) {
  console.error('usage: node tracker.ts <kubeconfig> <stateDir>');
  process.exit(2);
}
const ctx = testContext({ kubeconfig, stateDir, log: silentLogger });
const usage = await createUsageSideWith(ctx, { minIntervalMs: 50, retryMs: 100, closeTimeoutMs: 5000 });
process.stdout.write('ready\n');

const queue: string[] = [];
let ended = false;
let wake: (() => void) | null = null;
const rl = createInterface({ input: process.stdin });
rl.on('line', (line) => {
  if (line.trim()) queue.push(line.trim());
  wake?.();
});
rl.on('close', () => {
  ended = true;
  wake?.();
});

for (;;) {
  const model = queue.shift();
  if (model === undefined) {
    if (ended) break;
    await new Promise<void>((r) => (wake = r));
    wake = null;
    continue;
  }
  try {
    // Each use with tokens and a client, as the Ollama endpoint counts one: they must be exactly-once too.
    await usage.track(model, { prompt_tokens: 3, completion_tokens: 7, client: 'tracker/1.0' });
    process.stdout.write(`ok ${model}\n`);
  } catch (err) {
    process.stdout.write(`fail ${model} ${(err as Error).message}\n`);
  }
}
await usage.close();
process.stdout.write('closed\n');
process.exit(0);
