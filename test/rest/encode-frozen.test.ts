// A frozen answer cannot change: its JSON, ETag and compressed forms are made once and reused
// for every request that gets the same object; an answer that is not frozen is encoded afresh.
import type { IncomingMessage } from 'node:http';
import { brotliDecompressSync } from 'node:zlib';
import { expect, test } from 'vitest';
import { encodeAnswer } from '../../main/rest/encode.ts';

const req = (headers: Record<string, string> = {}) => ({ method: 'GET', headers }) as unknown as IncomingMessage;
const big = () => ({ success: true, models: Array.from({ length: 500 }, (_, i) => ({ name: `app-${i}`, namespace: 'ns', replicas: '1/1' })) });

test('a frozen answer is encoded once: the same bytes for every request, compressed once per encoding', () => {
  const answer = Object.freeze(big());
  const a = encodeAnswer(req(), 200, answer);
  const b = encodeAnswer(req(), 200, answer);
  expect(b.body).toBe(a.body);
  const br1 = encodeAnswer(req({ 'accept-encoding': 'br' }), 200, answer);
  const br2 = encodeAnswer(req({ 'accept-encoding': 'br' }), 200, answer);
  expect(br2.body).toBe(br1.body);
  expect(br1.headers['Content-Encoding']).toBe('br');
  expect(JSON.parse(brotliDecompressSync(br1.body).toString())).toEqual(answer);
  expect(encodeAnswer(req({ 'if-none-match': a.headers.ETag! }), 200, answer).status).toBe(304);
});

test('an answer that is not frozen is encoded afresh each time (a change shows)', () => {
  const answer = big();
  const a = encodeAnswer(req(), 200, answer);
  answer.models[0]!.replicas = '0/1';
  const b = encodeAnswer(req(), 200, answer);
  expect(b.body).not.toBe(a.body);
  expect(JSON.parse(b.body.toString()).models[0].replicas).toBe('0/1');
  expect(b.headers.ETag).not.toBe(a.headers.ETag);
});
