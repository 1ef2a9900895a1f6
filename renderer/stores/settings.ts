// Settings and the kubeconfig's contexts.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { ContextsResult, Settings } from '../../preload/contract/index.ts';
import { api, errorText } from '../api/index.ts';

export const useSettingsStore = defineStore('settings', () => {
  const settings = ref<Settings | null>(null);
  const contexts = ref<ContextsResult | null>(null);
  const error = ref<string | null>(null);
  const contextsError = ref<string | null>(null);

  async function load() {
    await Promise.all([
      api.getSettings({}).then(
        (r) => ((settings.value = r.settings), (error.value = null)),
        (err) => (error.value = errorText(err)),
      ),
      api.listContexts({}).then(
        (r) => ((contexts.value = r), (contextsError.value = null)),
        (err) => (contextsError.value = errorText(err)),
      ),
    ]);
  }

  async function save(patch: Partial<Settings>) {
    const result = await api.updateSettings(patch);
    settings.value = result.settings;
    return result.settings;
  }

  return { settings, contexts, error, contextsError, load, save };
});
