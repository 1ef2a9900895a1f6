// Field validation the real API server does on create and update (the checks clients
// trip over in practice), reported as 422 Invalid with causes.
/* eslint-disable @typescript-eslint/no-explicit-any */
import type { KObj } from './types.ts';
import type { ResourceInfo } from './resources.ts';
import type { StatusCause } from './status.ts';
import { errors } from './status.ts';
import { nameErrors } from './names.ts';
import { matchLabels } from './selectors.ts';

const required = (field: string): StatusCause => ({ reason: 'FieldValueRequired', message: 'Required value', field });

function goMap(m: Record<string, string> | undefined): string {
  return `map[string]string{${Object.entries(m ?? {}).map(([k, v]) => `"${k}":"${v}"`).join(', ')}}`;
}

function podSpecErrors(spec: any, prefix: string): StatusCause[] {
  const causes: StatusCause[] = [];
  const containers = spec?.containers;
  if (!Array.isArray(containers) || containers.length === 0) {
    causes.push(required(`${prefix}.containers`));
    return causes;
  }
  containers.forEach((c: any, i: number) => {
    const f = `${prefix}.containers[${i}]`;
    if (!c?.name) causes.push(required(`${f}.name`));
    else causes.push(...nameErrors(c.name, 'label', `${f}.name`));
    if (!c?.image) causes.push(required(`${f}.image`));
  });
  return causes;
}

export function validate(r: ResourceInfo, obj: KObj): void {
  const name = obj.metadata.name ?? '';
  const causes: StatusCause[] = [];
  if (!name) causes.push({ reason: 'FieldValueRequired', message: 'Required value: name or generateName is required', field: 'metadata.name' });
  else causes.push(...nameErrors(name, r.nameRule));
  switch (r.plural) {
    case 'deployments':
    case 'replicasets': {
      const s = obj.spec ?? {};
      if (typeof s.replicas === 'number' && s.replicas < 0)
        causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: ${s.replicas}: must be greater than or equal to 0`, field: 'spec.replicas' });
      const sel = s.selector?.matchLabels;
      if (!s.selector || (!sel && !s.selector.matchExpressions)) causes.push(required('spec.selector'));
      else if (sel && !matchLabels(sel, s.template?.metadata?.labels))
        causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: ${goMap(s.template?.metadata?.labels)}: \`selector\` does not match template \`labels\``, field: 'spec.template.metadata.labels' });
      causes.push(...podSpecErrors(s.template?.spec, 'spec.template.spec'));
      break;
    }
    case 'pods':
      causes.push(...podSpecErrors(obj.spec, 'spec'));
      break;
    case 'services': {
      const s = obj.spec ?? {};
      if (s.type !== 'ExternalName' && (!Array.isArray(s.ports) || s.ports.length === 0)) causes.push(required('spec.ports'));
      break;
    }
    case 'configmaps': {
      const size = JSON.stringify(obj.data ?? {}).length + JSON.stringify(obj.binaryData ?? {}).length;
      if (size > 1048576) causes.push({ reason: 'FieldValueTooLong', message: 'Too long: must have at most 1048576 bytes', field: '[]' });
      break;
    }
  }
  if (causes.length) throw errors.invalid(r, name, causes);
}
