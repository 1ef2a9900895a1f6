// A pod's log, followed by asking for the lines since the last one every 2 s (podLogs with
// since_time, inclusive: lines already held are dropped), in a capped buffer; pause stops asking.
import { onScopeDispose, ref, shallowRef, triggerRef, watch, type Ref } from 'vue';
import { api, errorText } from '../api/index.ts';

export const LOG_CAP = 1000;

export function usePodLogs(namespace: Ref<string>, pod: Ref<string | null>) {
  const lines = shallowRef<{ time: string; text: string }[]>([]);
  const following = ref(true);
  const error = ref<string | null>(null);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let token = 0;

  async function read(mine: number) {
    const name = pod.value;
    if (!name) return;
    const held = lines.value;
    const lastTime = held.at(-1)?.time;
    try {
      const r = await api.podLogs({ namespace: namespace.value, pod: name, ...(lastTime ? { since_time: lastTime } : { tail_lines: 200 }) });
      if (mine !== token) return;
      // Lines at the last time held may come again: drop those already here.
      const atLast = new Set(held.filter((l) => l.time === lastTime).map((l) => l.text));
      const fresh = r.lines.filter((l) => !lastTime || l.time > lastTime || (l.time === lastTime && !atLast.delete(l.text)));
      if (fresh.length) {
        held.push(...fresh);
        if (held.length > LOG_CAP) held.splice(0, held.length - LOG_CAP);
        triggerRef(lines);
      }
      error.value = null;
    } catch (err) {
      if (mine === token) error.value = `Log of ${namespace.value}/${name}: ${errorText(err)}`;
    }
  }

  function schedule(mine: number) {
    clearTimeout(timer);
    if (following.value && mine === token) timer = setTimeout(() => void read(mine).then(() => schedule(mine)), 2000);
  }

  watch(
    [namespace, pod],
    () => {
      const mine = ++token;
      lines.value = [];
      error.value = null;
      void read(mine).then(() => schedule(mine));
    },
    { immediate: true },
  );
  watch(following, (on) => {
    if (on) void read(token).then(() => schedule(token));
    else clearTimeout(timer);
  });
  onScopeDispose(() => {
    token++;
    clearTimeout(timer);
  });
  return { lines, following, error };
}
