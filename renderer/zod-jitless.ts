// zod compiles object parsers with `new Function` unless told not to, and even its probe for
// that is refused by the page's CSP (no 'unsafe-eval'), which Chromium reports as a
// violation on every load. main.ts imports this first, before any contract schema is built
// (zod decides per schema, when the schema is created).
import { z } from 'zod';

z.config({ jitless: true });
