// Name rules the real API server enforces, and the random parts of generated names.
import { randomInt } from 'node:crypto';
import type { StatusCause } from './status.ts';

const label1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const label1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function nameErrors(name: string, rule: 'subdomain' | 'label' | 'label1035', field = 'metadata.name'): StatusCause[] {
  const causes: StatusCause[] = [];
  const bad = (message: string) => causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: "${name}": ${message}`, field });
  if (rule === 'subdomain') {
    if (name.length > 253) bad('must be no more than 253 characters');
    if (!subdomain.test(name)) bad(`a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`);
  } else if (rule === 'label') {
    if (name.length > 63) bad('must be no more than 63 characters');
    if (!label1123.test(name)) bad(`a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`);
  } else {
    if (name.length > 63) bad('must be no more than 63 characters');
    if (!label1035.test(name)) bad(`a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')`);
  }
  return causes;
}

// The alphabet Kubernetes uses for generated suffixes (no vowels, no look-alikes).
const alphabet = 'bcdfghjklmnpqrstvwxz2456789';

export function randomSuffix(n = 5): string {
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[randomInt(alphabet.length)];
  return s;
}

/** A stable short hash, like pod-template-hash: same template, same hash. */
export function templateHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  let s = '';
  for (let i = 0; i < 10; i++) {
    s += alphabet[h % alphabet.length];
    h = Math.imul(h ^ (i + 1), 0x01000193) >>> 0;
  }
  return s;
}
