// Where the Ollama endpoint sends a model's requests, as the operator writes it in the
// settings: "shared" (the shared Ollama) or "namespace/deployment" (that deployment's Service).
import { z } from 'zod';
import { usageModelName } from './fields.ts';

const DNS_LABEL = '[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?';
export const endpointTarget = z
  .string({ error: 'must be a string' })
  .regex(new RegExp(`^(shared|${DNS_LABEL}/${DNS_LABEL})$`), 'must be "shared" or "namespace/deployment" (DNS-1123 labels)');

export const endpointTargets = z
  .record(usageModelName, endpointTarget)
  .refine((o) => Object.keys(o).length <= 200, 'may name at most 200 models');
