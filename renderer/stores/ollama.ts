// Ollama state: installed models, pulls in flight (events plus polling), the catalogue.
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { CatalogResult, ModelsResult, OllamaModel, PullProgress } from '../../preload/contract/index.ts';
import { api, errorText, transport } from '../api/index.ts';
import { debounce, poll } from './poll.ts';

const FINISHED = new Set(['success', 'error', 'cancelled']);
export const isFinished = (p: PullProgress) => FINISHED.has(p.status);

export const useOllamaStore = defineStore('ollama', () => {
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
  function noteOk() {
    failure.value = null;
    lastOk.value = new Date();
  }
  /** Only Ollama's own unreachability (5xx, no answer) turns the status red; a 4xx is a bad request. */
  function noteFailure(err: unknown) {
    const status = (err as { status?: number }).status ?? 0;
    if (status === 0 || status >= 500) failure.value = { message: errorText(err), at: new Date() };
  }

  const pullList = computed(() => Object.values(pulls.value).sort((a, b) => b.started_at.localeCompare(a.started_at)));
  const active = computed(() => pullList.value.some((p) => !isFinished(p)));
  const installed = computed(() => new Set(models.value.map((m) => m.name)));

  async function refreshModels() {
    try {
      const result = await api.listModels({});
      models.value = result.models;
      route.value = result.route;
      modelsError.value = null;
      noteOk();
    } catch (err) {
      modelsError.value = errorText(err);
      noteFailure(err);
    } finally {
      modelsLoaded.value = true;
    }
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
    const before = pulls.value[p.model];
    pulls.value = { ...pulls.value, [p.model]: p };
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
    const result = await api.pullModel({ model });
    applyProgress(result.progress);
    return result;
  }

  async function cancelPull(model: string) {
    await api.cancelPull({ model });
    await refreshPulls();
  }

  async function deleteModel(model: string) {
    const result = await api.deleteModel({ model });
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

  return { models, route, modelsError, failure, lastOk, noteOk, noteFailure, modelsLoaded, pulls, pullList, pullsError, active, installed, catalog, catalogError, refreshModels, refreshCatalog, refreshPulls, pull, cancelPull, deleteModel, start, stop };
});
