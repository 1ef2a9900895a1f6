// What the stand-in was given, for the tests to read through the control channel (control.ts),
// and, for what happens as a process exits, line by line in $ELECTRON_STANDIN_RECORDS.
import { appendFileSync } from 'node:fs';
export interface Recorded {
  at: number;
  kind: string;
  [detail: string]: unknown;
}

export const log: Recorded[] = [];

const file = process.env.ELECTRON_STANDIN_RECORDS;

export function record(kind: string, detail: Record<string, unknown> = {}): void {
  const entry = { at: Date.now(), kind, ...detail };
  log.push(entry);
  if (file) {
    try {
      appendFileSync(file, `${JSON.stringify(entry)}\n`);
    } catch {
      /* a value JSON cannot hold: the in-memory record still has it */
    }
  }
}

/** Test-set switches (safeStorage availability, queued dialog answers). */
export const switches = {
  encryptionAvailable: false,
  dialogAnswers: [] as { type: string; answer: unknown }[],
};

export function takeDialogAnswer(type: string): unknown {
  const i = switches.dialogAnswers.findIndex((a) => a.type === type);
  if (i < 0) return undefined;
  return switches.dialogAnswers.splice(i, 1)[0]!.answer;
}
