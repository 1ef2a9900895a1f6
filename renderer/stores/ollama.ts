// Ollama state: installed models, pulls in flight (events plus polling), the catalogue, for
// the Ollama chosen (`target`: '' the shared one, or "namespace/name" a model deployment's own).
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { CatalogResult, ModelsResult, OllamaModel, PullProgress } from '../../preload/contract/index.ts';
import { api, errorText, transport } from '../api/index.ts';
import { debounce, poll } from './poll.ts';

const FINISHED = new Set(['success', 'error', 'cancelled']);
export const isFinished = (p: PullProgress) => FINISHED.has(p.status);
/** One pull per Ollama and model. */
export const pullId = (p: { model: string; target?: string }) => `${p.target ?? ''}|${p.model}`;
/**
 * The contract's target for "namespace/name" ('' : none, the shared Ollama). Sent in its text
 * form, which the contract takes too: a GET carries it in the query string as it is.
 */
export const targetOf = (key: string): { target?: string } => (key.includes('/') ? { target: key } : {});

export const useOllamaStore = defineStore('ollama', () => {
  /** Which Ollama the Models and Try views talk to: '' the shared one, "namespace/name" a deployment's. */
  const target = ref('');
  const models = ref<OllamaModel[]>([]);
  const route = ref<ModelsResult['route'] | null>(null);
  const modelsError = ref<string | null>(null);
  const modelsLoaded = ref(false);
  const pulls = ref<Record<string, PullProgress>>({});
  const pullsError = ref<string | null>(null);
  const catalog = ref<CatalogResult | null>(null);
  const catalogError = ref<string | null>(null);
  /** The last failed Ollama call (any view), cleared by the next one that answers: the header's truth. */
  const failure = ref<{ message: string; at: Date } | null>(null);
  const lastOk = ref<Date | null>(null);
  // The header's Ollama status is the shared Ollama's: a deployment's answers do not change it.
  function noteOk() {
    if (target.value) return;
    failure.value = null;
    lastOk.value = new Date();
  }
  /** Only Ollama's own unreachability (5xx, no answer) turns the status red; a 4xx is a bad request. */
  function noteFailure(err: unknown) {
    if (target.value) return;
    const status = (err as { status?: number }).status ?? 0;
    if (status === 0 || status >= 500) failure.value = { message: errorText(err), at: new Date() };
  }

  /** The pulls of the Ollama chosen, newest first. */
  const pullList = computed(() =>
    Object.values(pulls.value)
      .filter((p) => (p.target ?? '') === target.value)
      .sort((a, b) => b.started_at.localeCompare(a.started_at)),
  );
  const active = computed(() => pullList.value.some((p) => !isFinished(p)));
  const installed = computed(() => new Set(models.value.map((m) => m.name)));

  async function refreshModels() {
    const asked = target.value;
    try {
      const result = await api.listModels(targetOf(asked));
      if (asked !== target.value) return; // switched meanwhile: the other Ollama's answer is due
      models.value = result.models;
      route.value = result.route;
      modelsError.value = null;
      noteOk();
    } catch (err) {
      if (asked !== target.value) return;
      modelsError.value = errorText(err);
      noteFailure(err);
    } finally {
      if (asked === target.value) modelsLoaded.value = true;
    }
  }

  /** Talk to another Ollama: what is shown is that one's, asked at once. */
  function setTarget(key: string) {
    if (key === target.value) return;
    target.value = key;
    models.value = [];
    route.value = null;
    modelsError.value = null;
    modelsLoaded.value = false;
    void refreshModels();
  }

  async function refreshCatalog() {
    try {
      catalog.value = await api.catalog({});
      catalogError.value = null;
    } catch (err) {
      catalogError.value = errorText(err);
    }
  }

  function applyProgress(p: PullProgress) {
    const id = pullId(p);
    if (cleared.has(`${id}@${p.started_at}`)) return;
    const before = pulls.value[id];
    pulls.value = { ...pulls.value, [id]: p };
    if (p.status === 'success' && before?.status !== 'success') void Promise.all([refreshModels(), refreshCatalog()]);
  }

  async function refreshPulls() {
    try {
      const result = await api.listPulls({});
      for (const p of result.pulls) applyProgress(p);
      pullsError.value = null;
    } catch (err) {
      pullsError.value = errorText(err);
    }
  }

  async function pull(model: string) {
    const result = await api.pullModel({ model, ...targetOf(target.value) });
    applyProgress(result.progress);
    return result;
  }

  async function cancelPull(p: PullProgress) {
    await api.cancelPull({ model: p.model, ...targetOf(p.target ?? '') });
    await refreshPulls();
  }

  /** Forget the finished pulls of the Ollama chosen (the core forgets them after a while too). */
  function clearFinished() {
    for (const p of pullList.value) if (isFinished(p)) cleared.add(`${pullId(p)}@${p.started_at}`);
    pulls.value = Object.fromEntries(Object.entries(pulls.value).filter(([, p]) => !cleared.has(`${pullId(p)}@${p.started_at}`)));
  }
  /** Finished pulls cleared from view (by id and start): a later list does not bring them back. */
  const cleared = new Set<string>();

  async function unload(model: string) {
    const result = await api.unloadModel({ model, ...targetOf(target.value) });
    await refreshModels();
    return result;
  }

  async function keepLoaded(model: string) {
    const result = await api.keepModelLoaded({ model, ...targetOf(target.value) });
    await refreshModels();
    return result;
  }

  async function deleteModel(model: string) {
    const result = await api.deleteModel({ model, ...targetOf(target.value) });
    models.value = models.value.filter((m) => m.name !== model);
    await Promise.all([refreshModels(), refreshCatalog()]);
    return result;
  }

  let stops: (() => void)[] = [];
  function start() {
    if (stops.length) return;
    void Promise.all([refreshModels(), refreshPulls(), refreshCatalog()]);
    stops = [
      transport.on('pullProgress', applyProgress),
      // A new route, context or namespace: ask the Ollama it now points at, so the status is its answer.
      transport.on('healthChanged', debounce(refreshModels, 300)),
      // Every second while a pull runs (the seed's rhythm), in case events are not arriving.
      poll(() => (active.value ? refreshPulls() : undefined), 1_000),
      poll(refreshModels, 15_000),
    ];
  }
  function stop() {
    for (const s of stops) s();
    stops = [];
  }

  return { target, setTarget, clearFinished, unload, keepLoaded, models, route, modelsError, failure, lastOk, noteOk, noteFailure, modelsLoaded, pulls, pullList, pullsError, active, installed, catalog, catalogError, refreshModels, refreshCatalog, refreshPulls, pull, cancelPull, deleteModel, start, stop };
});
