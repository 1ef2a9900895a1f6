// Ollama's streams (pull, generate) are NDJSON: one JSON object per line.
import type { Readable } from 'node:stream';

/** Yields each object of an NDJSON body; a line that is not JSON is skipped. */
export async function* ndjson(body: Readable | AsyncIterable<Buffer | string>): AsyncGenerator<Record<string, unknown>> {
  let buf = '';
  const decoder = new TextDecoder();
  for await (const chunk of body as AsyncIterable<Buffer | string>) {
    buf += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl).trim();
      buf = buf.slice(nl + 1);
      const obj = parseLine(line);
      if (obj) yield obj;
    }
  }
  const obj = parseLine((buf + decoder.decode()).trim());
  if (obj) yield obj;
}

function parseLine(line: string): Record<string, unknown> | null {
  if (!line) return null;
  try {
    const v = JSON.parse(line) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
