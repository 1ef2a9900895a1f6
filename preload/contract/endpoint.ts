// The Ollama-compatible endpoint: which Ollama each model's requests go to.
import { op } from './define.ts';
import { empty } from './fields.ts';

export interface EndpointRoute {
  model: string;
  /** "shared" or "namespace/deployment". */
  target: string;
  /** Where it goes: the shared Ollama's route, or the deployment's Service through the API server. */
  url: string;
  /** Why: the operator's setting, a managed deployment serving the model, or the default (shared). */
  source: 'setting' | 'deployment' | 'default';
}

export interface EndpointRoutesResult {
  success: true;
  enabled: boolean;
  port: number;
  /** Every model known (the shared Ollama's, the deployments', the settings'), by name. */
  routes: EndpointRoute[];
  /** Where a model not listed goes. */
  default_target: 'shared';
}

export const endpointOperations = {
  ollamaEndpointRoutes: op<EndpointRoutesResult>()({
    input: empty,
    rest: { method: 'GET', path: '/api/ollama/endpoint/routes' },
    summary: 'Where the Ollama endpoint sends each model: the shared Ollama or a model deployment (change it with the ollamaEndpointTargets setting)',
  }),
};
