// What the Try view starts with (a model, an Ollama), set from other views before opening it.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { useRouter } from 'vue-router';

export const useUiStore = defineStore('ui', () => {
  const tryModel = ref('');
  const router = useRouter();
  function openTry(model: string) {
    tryModel.value = model;
    void router.push('/try');
  }
  return { tryModel, openTry };
});
