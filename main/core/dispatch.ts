// The single entry of every transport: validate the input against the contract, then run
// the handler. A bad input never reaches a handler, Kubernetes or Ollama.
import { z } from 'zod';
import { operations, type Handlers, type OperationName, type Output } from '../../preload/contract/index.ts';
import { AppError, badRequest } from './errors.ts';

export function isOperationName(name: unknown): name is OperationName {
  return typeof name === 'string' && Object.hasOwn(operations, name);
}

/** "deployment_name must be a DNS-1123 label ..." for the first problem, every problem in `fields`. */
export function describeIssues(error: z.ZodError): AppError {
  const fields = error.issues.map((issue) => ({ field: issue.path.join('.') || '(body)', message: issue.message }));
  const first = fields[0] ?? { field: '(body)', message: 'is invalid' };
  const message = first.field === '(body)' ? `request body ${first.message}` : `${first.field} ${first.message}`;
  return badRequest(message, { field: first.field, fields });
}

export async function dispatch<N extends OperationName>(handlers: Handlers, name: N, raw: unknown): Promise<Output<N>> {
  if (!isOperationName(name)) throw badRequest(`unknown operation ${String(name)}`);
  const parsed = operations[name].input.safeParse(raw ?? {});
  if (!parsed.success) throw describeIssues(parsed.error);
  const handler = handlers[name] as (input: unknown) => Promise<Output<N>>;
  return handler(parsed.data);
}
