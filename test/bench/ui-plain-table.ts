// The baseline of the Deployments view: the same rows rendered without virtual scrolling. The
// renderer has no switch for that, so this is a page of the bench's own, served at a path of
// the same origin (the browser's session cookie goes with its fetch), with the app's built
// stylesheet and the markup of DeploymentsView.vue's rows (cells, classes, titles, the Delete
// button): it fetches GET /api/deployments from the same server and writes every row at once.

/** The page; `stylesheet` is the app's built CSS (its path on the server). Rows in the answer's order, as the view shows them unsorted. */
export function plainTablePage(stylesheet: string | null): string {
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>plain table (bench baseline)</title>
${stylesheet ? `<link rel="stylesheet" href="${stylesheet}">` : ''}
</head><body><div id="app"><main><div class="view"><section class="card">
<h2>Deployments <span class="muted" data-test="shown-count"></span></h2>
<div class="table-scroll"><table class="dense" data-test="plain"><thead><tr>
<th>Name</th><th>Namespace</th><th>Model</th><th>Status</th><th class="num">Replicas</th><th class="num">GPU</th><th class="num">Pod memory (RAM)</th><th class="num">VRAM est. / measured</th><th>Created</th><th><span class="visually-hidden">Actions</span></th>
</tr></thead><tbody></tbody></table></div></section></div></main></div>
<script>${SCRIPT}</script></body></html>`;
}

// Plain JS (what a page without a framework would do): one fetch, one innerHTML of every row.
const SCRIPT = `
const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const gb = (v, digits = 1) => v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits) + ' GiB';
const servedModel = (d) => !d.model_server ? '—' : d.model_id ? d.model_id : d.server === 'ollama' ? 'any pulled model (Ollama)' : '—';
const age = (iso, now) => { if (!iso) return '—'; const t = Date.parse(iso); if (Number.isNaN(t)) return iso; const s = Math.max(0, (now - t) / 1000);
  return s < 90 ? Math.round(s) + 's ago' : s < 5400 ? Math.round(s / 60) + 'm ago' : s < 172800 ? Math.round(s / 3600) + 'h ago' : Math.round(s / 86400) + 'd ago'; };
const row = (d, i, now) => {
  const key = esc(d.namespace + '/' + d.name);
  const badge = d.status === 'Running' ? 'ok' : d.status === 'Failed' ? 'bad' : 'warn';
  const vram = d.estimated_vram_gb !== undefined ? gb(d.measured_vram_gb !== undefined ? (d.estimated_resident_gb ?? d.estimated_vram_gb) : d.estimated_vram_gb) + (d.measured_vram_gb !== undefined ? ' / ' + gb(d.measured_vram_gb) : '') : '—';
  return '<tr data-index="' + i + '" aria-rowindex="' + (i + 2) + '" data-namespace="' + esc(d.namespace) + '" data-name="' + esc(d.name) + '">'
    + '<td class="mono nowrap"><a href="#/deployments/' + esc(encodeURIComponent(d.namespace)) + '/' + esc(encodeURIComponent(d.name)) + '" class="row-link">' + esc(d.name) + '</a>' + (d.managed ? '' : '<span class="badge external" title="Not created by this app">external</span>') + '</td>'
    + '<td>' + esc(d.namespace) + '</td>'
    + '<td class="mono"' + (d.server ? ' title="served by ' + esc(d.server) + '"' : '') + '>' + esc(servedModel(d)) + '</td>'
    + '<td><span class="badge ' + badge + '" data-test="status">' + esc(d.status) + '</span>'
    + (d.status !== 'Running' && (d.reason || d.message) ? '<div class="small muted reason" title="' + esc(d.message) + '">' + esc(d.reason) + (d.message ? ': ' + esc(d.message) : '') + '</div>' : '') + '</td>'
    + '<td class="num">' + esc(d.replicas) + '</td><td class="num">' + esc(d.gpu) + '</td><td class="num">' + esc(d.memory) + '</td>'
    + '<td class="num" data-test="row-vram" title="estimated by this app (with llama.cpp\\'s free margin)">' + esc(vram) + '</td>'
    + '<td title="' + esc(d.created) + '">' + esc(age(d.created, now)) + '</td>'
    + '<td><button type="button" class="subtle" aria-label="Delete ' + key + '…" title="Delete ' + key + '…">Delete</button></td></tr>';
};
(async () => {
  const res = await fetch('/api/deployments', { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
  const answer = await res.json();
  const list = answer.models ?? [];
  const now = Date.now();
  document.querySelector('[data-test=shown-count]').textContent = '(' + list.length + ')';
  document.querySelector('table[data-test=plain] tbody').innerHTML = list.map((d, i) => row(d, i, now)).join('');
})();
`;
