// GET /api/openapi.json: an OpenAPI 3.1 document made from the one contract, so it says what
// the server does: each operation's route, its input exactly as main/rest/input.ts reads it
// (GET: the query string; other methods: a JSON body; `{name}`: the rest of the path), its
// answer (preload/contract/answers.ts), its failures in the ErrorBody shape, and who may call.
import { z } from 'zod';
import pkg from '../../package.json' with { type: 'json' };
import { eventNames, operations, type OperationName, type RestRoute } from '../../preload/contract/index.ts';
import { answers, errorBodySchema, handlerFailures } from '../../preload/contract/answers.ts';
import { MAX_BODY_BYTES } from './input.ts';

export const OPENAPI_PATH = '/api/openapi.json';
export const EVENTS_PATH = '/api/events';

type Json = Record<string, unknown>;

export interface OpenApiOptions {
  /** The session cookie's name (`kmm_session_<port>`): it carries the port, so the document does too. */
  cookieName: string;
  /** `METHOD /path` of the routes that need no token. */
  openRoutes: ReadonlySet<string>;
}

const FAILURES: Record<number, string> = {
  400: 'Bad input: `error` says what is wrong and names the field first, `field` is that field, `fields` lists every problem',
  401: 'No valid token: send Authorization: Bearer TOKEN, or the session cookie the login URL sets',
  403: 'Refused: a Host this server does not answer to, or a cross-origin request from an origin not allowed',
  404: 'What the request names does not exist (`error` names it)',
  409: 'The request conflicts with what exists now (`error` says what)',
  413: `The body is larger than ${MAX_BODY_BYTES / 1024} KiB`,
  415: 'The body is not JSON (Content-Type: application/json)',
  429: 'Too many wrong tokens from this address lately; `retry_after` says in how many seconds to try again',
  502: 'Ollama failed to do it (its message in `error`)',
  503: 'Kubernetes or Ollama is unreachable or busy, or the model manager is not ready',
};

/** Statuses every /api/ route may answer, whatever it does (main/rest/server.ts). */
const TRANSPORT_FAILURES = [403, 429, 503];

const capitalise = (name: string) => name[0]!.toUpperCase() + name.slice(1);
const answerRef = (name: string) => ({ $ref: `#/components/schemas/${capitalise(name)}Answer` });
const errorContent = { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } };

/** The JSON Schema (2020-12, as OpenAPI 3.1 uses) of a zod schema, without `$schema`. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Json {
  // Inputs must be fully describable (a transform's input side is); an answer's transform
  // (e.g. a normalised origin in the settings) is only known to be some JSON value.
  const out = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io,
    unrepresentable: io === 'input' ? 'throw' : 'any',
    // The API's one memory unit, on every field that carries it (preload/contract/units.ts).
    override: ({ jsonSchema: json, path }) => {
      const key = path[path.length - 1];
      if (typeof key === 'string' && key.endsWith('_gb') && path[path.length - 2] === 'properties') json.description ??= 'GiB (2^30 bytes)';
    },
  }) as Json;
  delete out.$schema;
  return out;
}

/** `{model}` at the end of a route's path: the name of the capture, if any. */
function captureOf(route: RestRoute): string | null {
  return /\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(route.path)?.[1] ?? null;
}

function operationObject(name: OperationName, route: RestRoute, open: boolean): Json {
  const op = operations[name];
  const input = jsonSchema(op.input, 'input');
  const properties = { ...((input.properties as Record<string, Json> | undefined) ?? {}) };
  const required = new Set((input.required as string[] | undefined) ?? []);
  const capture = captureOf(route);
  const parameters: Json[] = [];
  if (capture) {
    parameters.push({
      name: capture,
      in: 'path',
      required: true,
      description: 'The rest of the path, percent-encoded (model names hold "/" and ":")',
      schema: properties[capture] ?? { type: 'string' },
    });
    delete properties[capture];
    required.delete(capture);
  }
  let requestBody: Json | undefined;
  if (route.method === 'GET') {
    for (const [key, schema] of Object.entries(properties)) {
      const array = schema.type === 'array';
      parameters.push({ name: key, in: 'query', required: required.has(key), schema, ...(array ? { style: 'form', explode: true } : {}) });
    }
  } else if (Object.keys(properties).length) {
    const body: Json = { ...input, properties };
    if (required.size) body.required = [...required];
    else delete body.required;
    requestBody = { required: required.size > 0, content: { 'application/json': { schema: body } } };
  }

  const failures = new Set<number>(TRANSPORT_FAILURES);
  const takesInput = parameters.length > 0 || route.method !== 'GET';
  if (takesInput) failures.add(400);
  if (!open) failures.add(401);
  // Every method but GET reads a JSON body (an empty one is `{}`).
  if (route.method !== 'GET') failures.add(413).add(415);
  for (const status of handlerFailures[name] ?? []) failures.add(status);

  const status = String(route.status ?? 200);
  const hasAnswer = Object.hasOwn(answers, name);
  const responses: Json = {
    [status]: {
      description: route.status === 202 ? 'Accepted: it goes on in the background' : 'Success',
      content: { 'application/json': { schema: hasAnswer ? answerRef(name) : { type: 'object', description: 'The operation\'s TypeScript output type (preload/contract/)' } } },
    },
  };
  for (const code of [...failures].sort((a, b) => a - b)) responses[code] = { $ref: `#/components/responses/Error${code}` };
  // The seed's health answers 503 with its own body when Kubernetes is not connected (probes read the status).
  if (name === 'health') {
    responses['503'] = { description: 'Unhealthy: Kubernetes is not connected (or the manager not ready: an ErrorBody)', content: { 'application/json': { schema: { oneOf: [answerRef(name), { $ref: '#/components/schemas/ErrorBody' }] } } } };
  }

  return {
    operationId: name,
    summary: op.summary,
    ...(name === 'health' ? { description: 'Without a token it says only `status` and `kubernetes`.' } : {}),
    ...(parameters.length ? { parameters } : {}),
    ...(requestBody ? { requestBody } : {}),
    responses,
    ...(open ? { security: [] } : {}),
  };
}

function eventsOperation(): Json {
  return {
    operationId: 'events',
    summary: 'Server-sent events: what changes, as it happens',
    description: `Each event is \`event: NAME\` and \`data: JSON\`. Names: ${eventNames.join(', ')} (their payloads: preload/contract/events.ts).`,
    'x-event-names': [...eventNames],
    responses: {
      200: { description: 'An event stream, open until the client closes it', content: { 'text/event-stream': { schema: { type: 'string' } } } },
      401: { $ref: '#/components/responses/Error401' },
      403: { $ref: '#/components/responses/Error403' },
      429: { $ref: '#/components/responses/Error429' },
      503: { description: 'Too many open event streams', content: errorContent },
    },
  };
}

export function buildOpenApi(options: OpenApiOptions): Json {
  const paths: Record<string, Json> = {};
  const schemas: Record<string, Json> = { ErrorBody: jsonSchema(errorBodySchema, 'output') };
  for (const name of Object.keys(operations) as OperationName[]) {
    const route = operations[name].rest;
    if (!route) continue;
    const open = options.openRoutes.has(`${route.method} ${route.path}`);
    (paths[route.path] ??= {})[route.method.toLowerCase()] = operationObject(name, route, open);
    const answer = (answers as Partial<Record<OperationName, z.ZodType>>)[name];
    if (answer) schemas[`${capitalise(name)}Answer`] = jsonSchema(answer, 'output');
  }
  paths[EVENTS_PATH] = { get: eventsOperation() };
  paths[OPENAPI_PATH] = {
    get: {
      operationId: 'openapi',
      summary: 'This document',
      responses: { 200: { description: 'OpenAPI 3.1', content: { 'application/json': { schema: { type: 'object' } } } }, 403: { $ref: '#/components/responses/Error403' } },
      security: [],
    },
  };
  const responses: Record<string, Json> = {};
  for (const [code, description] of Object.entries(FAILURES)) responses[`Error${code}`] = { description, content: errorContent };

  return {
    openapi: '3.1.0',
    info: {
      title: 'Kubernetes Model Manager',
      version: pkg.version,
      description:
        'GPU VRAM, model deployments, Ollama models, pulls, tries and usage of a Kubernetes cluster that runs Ollama. ' +
        'Every `_gb` figure is GiB (2^30 bytes). GET inputs are query parameters (numbers and booleans as text); other methods take a JSON object body (an empty body is `{}`). ' +
        'Every failure is an ErrorBody with the HTTP status.',
    },
    security: [{ bearerToken: [] }, { sessionCookie: [] }],
    paths,
    components: {
      schemas,
      responses,
      securitySchemes: {
        bearerToken: { type: 'http', scheme: 'bearer', description: "The server's token (MODEL_MANAGER_TOKEN, or the one it generated)" },
        sessionCookie: { type: 'apiKey', in: 'cookie', name: options.cookieName, description: 'Set by opening the login URL the server prints (/?code=...): for browsers' },
      },
    },
  };
}
