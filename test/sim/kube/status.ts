// Errors as the real API server reports them: a v1 Status with reason, details and code.
// Messages copy the real server's wording, because clients and people match on them.
import type { ResourceInfo } from './resources.ts';
import { qualified } from './resources.ts';

export interface StatusCause { reason?: string; message?: string; field?: string }

export interface StatusBody {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, string>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: { name?: string; group?: string; kind?: string; uid?: string; causes?: StatusCause[]; retryAfterSeconds?: number };
  code: number;
}

export class ApiError extends Error {
  readonly code: number;
  readonly body: StatusBody;
  constructor(code: number, reason: string, message: string, details?: StatusBody['details']) {
    super(message);
    this.code = code;
    this.body = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
    if (details) this.body.details = details;
  }
}

function det(r: ResourceInfo, name?: string): StatusBody['details'] {
  const d: NonNullable<StatusBody['details']> = {};
  if (name) d.name = name;
  if (r.group) d.group = r.group;
  d.kind = r.plural;
  return d;
}

export const errors = {
  notFound: (r: ResourceInfo, name: string) =>
    new ApiError(404, 'NotFound', `${qualified(r)} "${name}" not found`, det(r, name)),
  namespaceNotFound: (ns: string) =>
    new ApiError(404, 'NotFound', `namespaces "${ns}" not found`, { name: ns, kind: 'namespaces' }),
  alreadyExists: (r: ResourceInfo, name: string) =>
    new ApiError(409, 'AlreadyExists', `${qualified(r)} "${name}" already exists`, det(r, name)),
  conflict: (r: ResourceInfo, name: string) =>
    new ApiError(409, 'Conflict',
      `Operation cannot be fulfilled on ${qualified(r)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
      det(r, name)),
  invalid: (r: ResourceInfo, name: string, causes: StatusCause[]) => {
    const kindName = r.group ? `${r.kind}.${r.group}` : r.kind;
    const list = causes.map((c) => `${c.field}: ${c.message}`);
    const msg = `${kindName} "${name}" is invalid: ${list.length === 1 ? list[0] : `[${list.join(', ')}]`}`;
    const d: NonNullable<StatusBody['details']> = { name };
    if (r.group) d.group = r.group;
    d.kind = r.kind;
    d.causes = causes;
    return new ApiError(422, 'Invalid', msg, d);
  },
  badRequest: (message: string) => new ApiError(400, 'BadRequest', message),
  methodNotAllowed: (message = 'the server does not allow this method on the requested resource') =>
    new ApiError(405, 'MethodNotAllowed', message),
  unsupportedMediaType: (type: string) =>
    new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json (got ${type})`),
  unauthorized: () => new ApiError(401, 'Unauthorized', 'Unauthorized'),
  forbidden: (message: string, r?: ResourceInfo, name?: string) =>
    new ApiError(403, 'Forbidden', message, r ? det(r, name) : undefined),
  gone: (message: string) => new ApiError(410, 'Expired', message),
  tooLarge: () => new ApiError(413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728'),
  serviceUnavailable: (message: string) => new ApiError(503, 'ServiceUnavailable', message),
  internal: (message: string) => new ApiError(500, 'InternalError', `Internal error occurred: ${message}`),
  tooManyRequests: () => {
    const e = new ApiError(429, 'TooManyRequests', 'The server has received too many requests and has asked us to try again later', { retryAfterSeconds: 1 });
    return e;
  },
  /** A JSON patch that does not apply (a failed test, a missing path): apiserver handlers/patch.go answers
   *  NewGenericServerResponse(422, ...) whose message is the generic one, without the patch library's text. */
  patchNotApplicable: () => new ApiError(422, 'Invalid', 'the server rejected our request due to an error in our request', {}),
  rawNotFound: () => new ApiError(404, 'NotFound', 'the server could not find the requested resource', {}),
};

export function successStatus(r: ResourceInfo, name: string, uid?: string): Record<string, unknown> {
  const details: Record<string, string> = { name };
  if (r.group) details.group = r.group;
  details.kind = r.plural;
  if (uid) details.uid = uid;
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details };
}
