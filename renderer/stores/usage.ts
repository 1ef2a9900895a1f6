// Usage ranking from the ConfigMap, refreshed on `usageChanged`.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { RankingResult } from '../../preload/contract/index.ts';
import { api, errorText, transport } from '../api/index.ts';
import { debounce, poll } from './poll.ts';

export const useUsageStore = defineStore('usage', () => {
  const ranking = ref<RankingResult | null>(null);
  const error = ref<string | null>(null);

  async function refresh() {
    try {
      ranking.value = await api.usageRanking({});
      error.value = null;
    } catch (err) {
      error.value = errorText(err);
    }
  }

  async function reset() {
    await api.resetUsage({});
    await refresh();
  }

  let stops: (() => void)[] = [];
  function start() {
    if (stops.length) return;
    void refresh();
    stops = [transport.on('usageChanged', debounce(refresh, 200)), poll(refresh, 30_000)];
  }

  return { ranking, error, refresh, reset, start };
});
