// The pixel width of an element, kept current: charts draw at their own width so labels keep their shape.
import { onBeforeUnmount, onMounted, ref, type Ref } from 'vue';

export function useElementWidth(el: Ref<HTMLElement | null>, fallback = 600, min = 200): Ref<number> {
  const width = ref(fallback);
  let ro: ResizeObserver | null = null;
  onMounted(() => {
    ro = new ResizeObserver(([e]) => (width.value = Math.max(min, Math.round(e?.contentRect.width ?? fallback))));
    if (el.value) ro.observe(el.value);
  });
  onBeforeUnmount(() => ro?.disconnect());
  return width;
}
