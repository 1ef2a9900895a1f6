import { describe, expect, it } from 'vitest';
import type { GpuStatusResult } from '../../preload/contract/index.ts';
import { trayText } from '../../main/shell/tray-text.ts';
import { trayIconBitmap } from '../../main/shell/tray-icon.ts';

function status(info: Partial<GpuStatusResult['gpu_info']>): GpuStatusResult {
  return {
    success: true,
    recommendations: [],
    gpu_info: {
      total_vram_gb: 80,
      allocated_vram_gb: 49.4,
      available_vram_gb: 30.6,
      utilization_percent: 61.75,
      gpu_count: 1,
      used_vram_gb: 12.25,
      used_source: 'ollama-ps',
      largest_free_gpu_gb: 30.6,
      nodes: [],
      ...info,
    },
  };
}

describe('trayText', () => {
  it('says the allocated share and allocated/total GiB in the title', () => {
    const t = trayText(status({}));
    expect(t.title).toBe('GPU 62% allocated · 49/80 GiB');
    expect(t.tooltip).toContain('1 GPU: 49 of 80 GiB allocated (allocated share 61.8%)');
    expect(t.tooltip).toContain('Used by Ollama: 12 GiB');
    expect(t.tooltip).toContain('largest free GPU 31 GiB');
  });

  it('keeps one decimal under 10 GiB and handles plural and unknown use', () => {
    const t = trayText(status({ total_vram_gb: 8, allocated_vram_gb: 2.34, utilization_percent: 29.25, gpu_count: 2, used_vram_gb: null }));
    expect(t.title).toBe('GPU 29% allocated · 2.3/8 GiB');
    expect(t.tooltip).toContain('2 GPUs');
    expect(t.tooltip).toContain('Used by Ollama: unknown');
  });

  it('says when there is no status or no GPU', () => {
    expect(trayText(null, 'connect ECONNREFUSED').tooltip).toContain('unavailable: connect ECONNREFUSED');
    expect(trayText(null).title).toBe('GPU ?');
    expect(trayText(status({ total_vram_gb: 0, gpu_count: 0 })).title).toBe('GPU none');
    expect(trayText(status({}), 'timeout').tooltip).toContain('stale: timeout');
  });

  it('says capacity is unknown, and why, when RBAC forbids listing nodes', () => {
    const note = 'GPU capacity unknown: listing nodes is forbidden (needs "list nodes")';
    const t = trayText({ ...status({ total_vram_gb: 0, gpu_count: 0 }), scope: 'namespace', capacity_note: note });
    expect(t.title).toBe('GPU ?');
    expect(t.tooltip).toContain(note);
  });
});

describe('trayIconBitmap', () => {
  const filled = (buf: Buffer, size: number) => {
    let n = 0;
    for (let i = 0; i < size * size; i++) if (buf[i * 4 + 3] === 255 && buf[i * 4 + 2] !== 120) n++;
    return n;
  };
  it('is size×size BGRA and fills more as use grows', () => {
    const empty = trayIconBitmap(16, null);
    expect(empty.length).toBe(16 * 16 * 4);
    expect(filled(empty, 16)).toBe(0);
    expect(filled(trayIconBitmap(16, 50), 16)).toBeGreaterThan(0);
    expect(filled(trayIconBitmap(16, 100), 16)).toBeGreaterThan(filled(trayIconBitmap(16, 50), 16));
  });
});
