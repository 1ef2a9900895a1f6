// Which view is open, and the model the Try panel starts with.
import { defineStore } from 'pinia';
import { ref } from 'vue';

export const tabs = [
  { id: 'deployments', label: 'Deployments' },
  { id: 'models', label: 'Ollama models' },
  { id: 'try', label: 'Try' },
  { id: 'usage', label: 'Usage' },
  { id: 'settings', label: 'Settings' },
] as const;
export type TabId = (typeof tabs)[number]['id'];

export const useUiStore = defineStore('ui', () => {
  const tab = ref<TabId>('deployments');
  const tryModel = ref('');
  function openTry(model: string) {
    tryModel.value = model;
    tab.value = 'try';
  }
  return { tab, tryModel, openTry };
});
