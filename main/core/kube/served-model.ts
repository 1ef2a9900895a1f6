// Which inference server a Deployment's container runs, and which model it serves, read the
// way each server takes it, so that deployments this app did not create show their model:
//   Ollama                    this app's $MODEL, or `ollama pull|run NAME` in its command
//   text-generation-inference MODEL_ID, or --model-id NAME
//   vLLM                      --model NAME, `vllm serve NAME`, or MODEL
//   llama.cpp's llama-server  -m/--model PATH (the file's name), -hf/--hf-repo REPO
// A plain Ollama with no model of its own serves whatever is pulled into it: model null.

export type ServerKind = 'ollama' | 'text-generation-inference' | 'vllm' | 'llama.cpp';

export interface ServedModel {
  server: ServerKind | null;
  model: string | null;
}

interface ContainerLike {
  image?: unknown;
  command?: unknown;
  args?: unknown;
  env?: unknown;
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

function envOf(c: ContainerLike, name: string): string | null {
  const entry = (Array.isArray(c.env) ? c.env : []).find((e: { name?: unknown }) => e?.name === name) as { value?: unknown } | undefined;
  return typeof entry?.value === 'string' && entry.value.trim() ? entry.value.trim() : null;
}

/** The words of command and args; a shell script (`sh -c "..."`) is split into its words too. */
function words(c: ContainerLike): string[] {
  return [...strings(c.command), ...strings(c.args)].flatMap((w) => w.split(/\s+/)).filter(Boolean).map((w) => w.replace(/^["']|["';&|]+$/g, ''));
}

/** The value of `--flag VALUE` or `--flag=VALUE`, for any of `flags`. */
function flag(ws: string[], flags: string[]): string | null {
  for (let i = 0; i < ws.length; i++) {
    const w = ws[i]!;
    for (const f of flags) {
      if (w === f && ws[i + 1] && !ws[i + 1]!.startsWith('-')) return ws[i + 1]!;
      if (w.startsWith(`${f}=`) && w.length > f.length + 1) return w.slice(f.length + 1);
    }
  }
  return null;
}

/** The word after `verb` (e.g. `serve` in `vllm serve NAME`), when it is not a flag. */
function after(ws: string[], program: RegExp, verb: string): string | null {
  for (let i = 0; i + 2 < ws.length; i++) if (program.test(ws[i]!) && ws[i + 1] === verb && !ws[i + 2]!.startsWith('-')) return ws[i + 2]!;
  return null;
}

const fileName = (path: string) => path.split('/').pop() || path;

function kindOf(image: string, ws: string[]): ServerKind | null {
  const img = image.toLowerCase();
  if (/(^|\/)ollama(:|@|$)/.test(img) || ws.some((w) => /(^|\/)ollama$/.test(w))) return 'ollama';
  if (/text-generation-inference|(^|\/)tgi(:|@|$)/.test(img) || ws.some((w) => /text-generation-launcher$/.test(w))) return 'text-generation-inference';
  if (/(^|\/)vllm[-/:@]|(^|\/)vllm$/.test(img) || ws.some((w) => /(^|\/)vllm$/.test(w) || w === 'vllm.entrypoints.openai.api_server')) return 'vllm';
  if (/llama[._-]?cpp|llama-server/.test(img) || ws.some((w) => /(^|\/)llama-server$/.test(w))) return 'llama.cpp';
  return null;
}

export function servedModel(c: ContainerLike): ServedModel {
  const ws = words(c);
  const server = kindOf(typeof c.image === 'string' ? c.image : '', ws);
  switch (server) {
    case 'ollama':
      return { server, model: envOf(c, 'MODEL') ?? after(ws, /(^|\/)ollama$/, 'pull') ?? after(ws, /(^|\/)ollama$/, 'run') };
    case 'text-generation-inference':
      return { server, model: envOf(c, 'MODEL_ID') ?? flag(ws, ['--model-id']) };
    case 'vllm':
      return { server, model: flag(ws, ['--model']) ?? after(ws, /(^|\/)vllm$/, 'serve') ?? envOf(c, 'MODEL') };
    case 'llama.cpp': {
      const path = flag(ws, ['-m', '--model']);
      return { server, model: path ? fileName(path) : flag(ws, ['-hf', '--hf-repo']) };
    }
    default:
      return { server: null, model: envOf(c, 'MODEL') };
  }
}
