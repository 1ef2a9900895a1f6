// The usage side: counts of model use in the ConfigMap model-usage-stats, shared by every
// instance of the app, with no increment lost or counted twice.
//
// track()  validates the name, appends the increment to the local journal (fsync'd), and
//          answers; the flusher moves journal entries to the ConfigMap a few times a second.
// ranking  reads the ConfigMap (short cache, so another instance's writes and resets show
//          within a second) and adds this instance's increments not yet written.
// reset    clears the counts in the ConfigMap and stamps reset_at. Increments accepted
//          before that moment (by the accepting instance's clock) and not yet written are
//          dropped by whichever instance holds them; increments accepted after it count.
import { isOllamaName, usageModelName, type ClientUsage, type Handlers, type RankingResult } from '../../../preload/contract/index.ts';
import { badRequest, unavailable } from '../errors.ts';
import type { CoreContext } from '../context.ts';
import { UsageConfigMap } from './configmap.ts';
import { applyUse, countMap, countOf, laterVersion, totalOf, type UseDetails, type UsageDoc } from './doc.ts';
import { canonicalModelName } from '../vram/model-name.ts';
import { UsageFlusher } from './flusher.ts';
import { UsageJournal, useOf } from './journal.ts';
import { historySeries } from './history.ts';
import { rank } from './ranking.ts';
import { claimSlot, journalRoot } from './slot.ts';
import { watchUsage } from './watch.ts';
import { within } from '../within.ts';

export interface UsageSideOptions {
  /** Coalescing window between ConfigMap writes (default 250 ms: at most 4 writes/s). */
  minIntervalMs?: number;
  /** Retry delay while the API is down (default 1 s). */
  retryMs?: number;
  /** How long a ConfigMap read serves rankings (default 500 ms). */
  cacheMs?: number;
  /** Bound on the last flush at close (default 3 s). */
  closeTimeoutMs?: number;
  /** Follow the ConfigMap for other instances' changes (default true). */
  watch?: boolean;
}

export interface UsageSide {
  handlers: Pick<Handlers, 'usageRanking' | 'usageHistory' | 'trackUsage' | 'resetUsage'>;
  /** Counts one use (with its tokens and client, when known); answers the name as counted. */
  track(model: string, use?: UseDetails): Promise<string>;
  close(): Promise<void>;
}

export async function createUsageSide(ctx: CoreContext): Promise<UsageSide> {
  return createUsageSideWith(ctx, {});
}

export async function createUsageSideWith(ctx: CoreContext, opts: UsageSideOptions): Promise<UsageSide> {
  const { log, events } = ctx;
  const slot = await claimSlot(journalRoot(ctx.stateDir, ctx.kube.server ?? '', ctx.kube.namespace));
  const journal = await UsageJournal.open(slot.dir);
  const cm = new UsageConfigMap(ctx.kube);
  const cacheMs = opts.cacheMs ?? 500;
  let known: { doc: UsageDoc; at: number } | null = null;
  let lastTotal: number | null = null;

  const remember = (doc: UsageDoc) => {
    // A watch event can arrive after this instance's own later write: the older view would
    // undercount (its applied seqs are behind a journal already trimmed).
    if (known && laterVersion(known.doc.rv, doc.rv)) return;
    known = { doc, at: Date.now() };
    const total = totalOf(doc) + pendingOf(doc).length;
    if (total !== lastTotal) {
      lastTotal = total;
      events.emit('usageChanged', { total_requests: total });
    }
  };
  const pendingOf = (doc: UsageDoc) => {
    const applied = doc.applied[journal.instanceId] ?? 0;
    return journal.pending().filter((e) => e.seq > applied && e.t > doc.resetAt);
  };

  const flusher = new UsageFlusher(journal, cm, log, { minIntervalMs: opts.minIntervalMs ?? 250, retryMs: opts.retryMs ?? 1000 }, remember);
  const replay = journal.pending().length;
  if (replay) log.info('USAGE', `replaying ${replay} journalled increment(s) not yet confirmed in the configmap`);
  // Only reads. The seed's load_usage_from_configmap created the ConfigMap at start: it was one
  // server pod in its own namespace. This app is a desktop tool the operator points at any
  // namespace just to look (issue 10: looking at Usage never writes to the cluster), so the
  // ConfigMap is created by the first write of an increment or a reset (UsageConfigMap.update
  // creates it when missing); a missing ConfigMap reads as empty counts.
  cm.read()
    .then(({ doc }) => remember(doc))
    .catch((err) => log.warn('USAGE', `configmap not readable yet: ${(err as Error).message}`));
  if (replay) flusher.schedule(0);
  const watcher = opts.watch === false ? null : watchUsage(ctx.kube, remember);

  async function current(): Promise<UsageDoc> {
    if (known && Date.now() - known.at < cacheMs) return known.doc;
    try {
      const { doc } = await cm.read();
      remember(doc);
      return doc;
    } catch (err) {
      if (known) return known.doc; // API down: the last view, plus what is pending here
      throw unavailable(`usage counts unavailable: ${(err as Error).message}`);
    }
  }

  async function track(model: string, use: UseDetails = {}): Promise<string> {
    const parsed = usageModelName.safeParse(model);
    if (!parsed.success) throw badRequest(`model ${parsed.error.issues[0]?.message ?? 'is invalid'}`, { field: 'model' });
    // "Llama3.2:1B" and "library/llama3.2:1b" are one model, as pulls treat them; other names
    // (external models) are counted as given.
    const name = isOllamaName(parsed.data) ? canonicalModelName(parsed.data) : parsed.data;
    await journal.append(name, use);
    flusher.schedule();
    if (known) {
      // Cheap on purpose (a long outage can leave many pending): the ranking counts exactly.
      const total = totalOf(known.doc) + journal.pendingCount;
      if (total !== lastTotal) {
        lastTotal = total;
        events.emit('usageChanged', { total_requests: total });
      }
    }
    return name;
  }

  /** A model's count now: what the ConfigMap holds plus this instance's pending increments. */
  function countNow(doc: UsageDoc | null, model: string): number {
    const pending = (doc ? pendingOf(doc) : journal.pending()).filter((e) => e.model === model).length;
    return (doc ? countOf(doc.counts, model) : 0) + pending;
  }

  const handlers: UsageSide['handlers'] = {
    async usageRanking(): Promise<RankingResult> {
      const doc = await current();
      // A copy with this instance's pending uses applied, as the flusher will write them.
      const view: UsageDoc = {
        counts: countMap(doc.counts),
        applied: doc.applied,
        resetAt: doc.resetAt,
        ...(doc.tokens ? { tokens: structuredClone(doc.tokens) } : {}),
        ...(doc.clients ? { clients: structuredClone(doc.clients) } : {}),
      };
      const pending = pendingOf(doc);
      for (const e of pending) applyUse(view, e.model, useOf(e));
      const ranked = rank(view.counts);
      const tokens = view.tokens;
      const models = tokens
        ? ranked.models.map((m) => {
            const t = Object.hasOwn(tokens, m.model) ? tokens[m.model]! : { prompt_tokens: 0, completion_tokens: 0 };
            return { ...m, prompt_tokens: t.prompt_tokens, completion_tokens: t.completion_tokens };
          })
        : ranked.models;
      const clients: ClientUsage[] = Object.entries(view.clients ?? {})
        .map(([client, c]) => ({ client, requests: c.requests, prompt_tokens: c.prompt_tokens, completion_tokens: c.completion_tokens }))
        .filter((c) => c.requests > 0)
        .sort((a, b) => b.requests - a.requests || a.client.localeCompare(b.client));
      return { success: true, total_requests: ranked.total_requests, models, pending: pending.length, clients };
    },
    async usageHistory({ bucket, model }) {
      const doc = await current();
      const pending = pendingOf(doc);
      // The model as counted (track canonicalises Ollama names the same way).
      const name = model === undefined ? undefined : isOllamaName(model) ? canonicalModelName(model) : model;
      return historySeries(doc, pending, bucket ?? 'hour', name, Date.now());
    },
    async trackUsage({ model }) {
      const name = await track(model);
      // The increment is accepted (journalled) whatever the API server does now; without a
      // readable ConfigMap the count is this instance's own, and says so.
      const doc = await current().catch(() => null);
      const count = countNow(doc, name);
      return { success: true, model: name, count, message: `Usage tracked for ${name}${doc ? '' : ' (count is this instance\'s only: the ConfigMap is unreachable)'}` };
    },
    async resetUsage() {
      const at = Date.now();
      const doc = await cm.update((d) => {
        d.counts = countMap();
        delete d.tokens;
        delete d.clients;
        delete d.history;
        d.resetAt = Math.max(at, d.resetAt);
        return true;
      });
      log.info('USAGE', 'usage statistics reset');
      remember(doc);
      // Our own increments accepted before the reset are dropped by this flush.
      if (journal.pending().length) await flusher.flush().catch(() => {});
      return { success: true, message: 'Usage statistics reset' };
    },
  };

  let closed = false;
  return {
    handlers,
    track,
    async close() {
      if (closed) return;
      closed = true;
      watcher?.stop();
      await within(flusher.close(), opts.closeTimeoutMs ?? 3000, undefined);
      await journal.close();
      await slot.release();
    },
  };
}
