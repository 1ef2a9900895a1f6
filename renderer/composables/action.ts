// A row action (delete, pull, ...): which row is busy, and the error to show, named by what failed.
import { ref } from 'vue';
import { errorText } from '../api/index.ts';

/** A listed object's key and its name in messages: namespace/name (names repeat across namespaces). */
export const objectKey = (namespace: string, name: string): string => `${namespace}/${name}`;

export function useAction() {
  const busy = ref<string | null>(null);
  const error = ref<string | null>(null);

  async function run(label: string, key: string, fn: () => Promise<unknown>): Promise<void> {
    busy.value = key;
    error.value = null;
    try {
      await fn();
    } catch (err) {
      error.value = `${label} ${key}: ${errorText(err)}`;
    } finally {
      if (busy.value === key) busy.value = null;
    }
  }

  return { busy, error, run };
}
