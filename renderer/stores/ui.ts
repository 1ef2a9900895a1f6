// What the Try view starts with (a model, an Ollama), set from other views before opening it.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { useRouter } from 'vue-router';
import { useOllamaStore } from './ollama.ts';

export const useUiStore = defineStore('ui', () => {
  const tryModel = ref('');
  const router = useRouter();
  /** `target`: "namespace/name" of a model deployment whose Ollama to try it on; '' the shared one. */
  function openTry(model: string, target = '') {
    useOllamaStore().setTarget(target);
    tryModel.value = model;
    void router.push('/try');
  }
  return { tryModel, openTry };
});
