// What the stand-in was given, for the tests to read through the control channel (control.ts).
export interface Recorded {
  at: number;
  kind: string;
  [detail: string]: unknown;
}

export const log: Recorded[] = [];

export function record(kind: string, detail: Record<string, unknown> = {}): void {
  log.push({ at: Date.now(), kind, ...detail });
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
