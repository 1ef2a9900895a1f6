// GPU memory from the product name when the node has no `nvidia.com/gpu.memory` label.
// Checked in order, most specific first: a MIG profile or a vGPU profile or an explicit
// "-80GB" says the size itself; then the seed's table (H100L-23C before H100, A100 before A10).

export interface ProductMatch {
  gb: number;
  pattern: string;
}

type Rule = { pattern: string; test: (p: string) => number | null };

const fixed = (pattern: string, gb: number, re?: RegExp): Rule => ({
  pattern,
  test: (p) => ((re ? re.test(p) : p.includes(pattern.toUpperCase())) ? gb : null),
});

// H100L (H100 NVL) vGPU profiles: framebuffer GB (REFERENCE.md); 23C and 15C as the seed says.
const H100L_PROFILES: Record<string, number> = { '94C': 96, '47C': 48, '23C': 23, '15C': 15.36, '11C': 11, '6C': 6, '4C': 4 };

export const PRODUCT_RULES: readonly Rule[] = [
  // MIG slice, e.g. NVIDIA-A100-SXM4-40GB-MIG-1g.5gb: the slice's memory.
  { pattern: 'MIG-<g>g.<n>gb', test: (p) => { const m = /MIG-\d+G\.(\d+)GB/.exec(p); return m ? Number(m[1]) : null; } },
  fixed('H100L-23C', 23),
  fixed('H100L-15C', 15.36),
  { pattern: 'H100L-<n>C', test: (p) => { const m = /H100L-(\d+C)(?:$|-)/.exec(p); return m ? (H100L_PROFILES[m[1]!] ?? null) : null; } },
  // Other vGPU profiles name their framebuffer: NVIDIA-A100-40C, GRID-A10-12Q.
  { pattern: '<board>-<n>[CQAB] (vGPU profile)', test: (p) => { const m = /-(\d+)[CQAB](?:$|-)/.exec(p); return m ? Number(m[1]) : null; } },
  // The size in the name: NVIDIA-A100-SXM4-80GB, NVIDIA-H100-80GB-HBM3.
  { pattern: '<n>GB', test: (p) => { const m = /(?:^|-)(\d+)GB(?:$|-)/.exec(p); return m ? Number(m[1]) : null; } },
  fixed('H100', 80),
  fixed('A100', 40),
  fixed('A10', 24),
  fixed('V100', 16),
  fixed('T4', 16),
  fixed('RTX-A6000', 48),
  // Beyond the seed's table, matched as whole words so A40 is not A4000.
  fixed('H200', 141, /(?:^|-)H200(?:$|-)/),
  fixed('L40S', 48, /(?:^|-)L40S(?:$|-)/),
  fixed('L40', 48, /(?:^|-)L40(?:$|-)/),
  fixed('L4', 24, /(?:^|-)L4(?:$|-)/),
  fixed('A40', 48, /(?:^|-)A40(?:$|-)/),
  fixed('A30', 24, /(?:^|-)A30(?:$|-)/),
];

export function productVram(product: string | undefined): ProductMatch | null {
  if (!product) return null;
  const p = product.toUpperCase();
  for (const rule of PRODUCT_RULES) {
    const gb = rule.test(p);
    if (gb !== null && gb > 0) return { gb, pattern: rule.pattern };
  }
  return null;
}
