// One shared clock for "ago" texts and freshness marks: a tick every second while mounted.
import { onScopeDispose, ref } from 'vue';

const now = ref(Date.now());
let users = 0;
let timer: ReturnType<typeof setInterval> | null = null;

export function useNow() {
  users++;
  timer ??= setInterval(() => (now.value = Date.now()), 1000);
  onScopeDispose(() => {
    if (--users === 0 && timer) {
      clearInterval(timer);
      timer = null;
    }
  });
  return now;
}

/** HH:MM:SS in local time. */
export function clockTime(d: Date | string | number): string {
  const t = d instanceof Date ? d : new Date(d);
  return t.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
}
