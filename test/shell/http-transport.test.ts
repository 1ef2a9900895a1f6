// The renderer's REST transport builds every request from the contract; the REST server's
// own route matcher must find the operation and the same input again.
import { describe, expect, it } from 'vitest';
import { operations, type OperationName } from '../../preload/contract/index.ts';
import { buildRequest } from '../../renderer/api/request.ts';
import { bindRoutes, matchRoute } from '../../main/rest/routes.ts';
import { toApiError, ApiError } from '../../renderer/api/errors.ts';

const routes = bindRoutes();

describe('buildRequest', () => {
  it('puts {model} in the path, each segment encoded, and the server decodes it back', () => {
    const req = buildRequest(operations.pullProgress.rest!, { model: 'library/llama3.1:8b-instruct q' });
    expect(req).toEqual({ method: 'GET', url: '/api/ollama/pull/progress/library/llama3.1%3A8b-instruct%20q' });
    const match = matchRoute(routes, req.method, new URL(req.url, 'http://x').pathname);
    expect(match.kind).toBe('found');
    if (match.kind === 'found') {
      expect(match.route.name).toBe('pullProgress');
      expect(match.captures).toEqual({ model: 'library/llama3.1:8b-instruct q' });
    }
  });

  it('sends GET input as query and POST input as a JSON body', () => {
    expect(buildRequest(operations.estimateVram.rest!, { model: 'phi3:3.8b' })).toEqual({ method: 'GET', url: '/api/vram/estimate?model=phi3%3A3.8b' });
    expect(buildRequest(operations.gpuStatus.rest!, {})).toEqual({ method: 'GET', url: '/api/gpu/status' });
    const deploy = buildRequest(operations.deploy.rest!, { model_id: 'llama3.1:8b', deployment_name: 'l8', memory: '8' }, 'http://h:1');
    expect(deploy.method).toBe('POST');
    expect(deploy.url).toBe('http://h:1/api/deploy');
    expect(JSON.parse(deploy.body!)).toEqual({ model_id: 'llama3.1:8b', deployment_name: 'l8', memory: '8' });
    const cancel = buildRequest(operations.cancelPull.rest!, { model: 'qwen2.5:7b' });
    expect(cancel.method).toBe('DELETE');
    expect(JSON.parse(cancel.body!)).toEqual({});
  });

  it('refuses a missing path value', () => {
    expect(() => buildRequest(operations.cancelPull.rest!, {})).toThrow(/model is required/);
  });

  it('reaches a server route for every operation that has one', () => {
    const sample: Record<string, unknown> = { model: 'm:1', deployment_name: 'd', model_id: 'm', memory: 1 };
    for (const name of Object.keys(operations) as OperationName[]) {
      const route = operations[name].rest;
      if (!route) continue;
      const req = buildRequest(route, sample);
      const match = matchRoute(routes, req.method, new URL(req.url, 'http://x').pathname);
      expect(match.kind === 'found' && match.route.name, name).toBe(name);
    }
  });
});

describe('toApiError', () => {
  it('keeps status and body of the bridge failure object', () => {
    const e = toApiError({ name: 'ApiError', message: 'nope', status: 409, body: { error: 'nope' } });
    expect(e).toBeInstanceOf(ApiError);
    expect([e.status, e.message, e.body]).toEqual([409, 'nope', { error: 'nope' }]);
    expect(toApiError(new Error('plain')).message).toBe('plain');
    expect(toApiError('text').status).toBe(0);
  });
});
