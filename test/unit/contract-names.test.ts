// The preload's plain list of names (preload/contract/names.ts) is the contract's, exactly.
import { expect, it } from 'vitest';
import { eventNames as contractEvents, operations } from '../../preload/contract/index.ts';
import { eventNames, operationNames } from '../../preload/contract/names.ts';

it('names.ts lists every operation of the contract once, and nothing else', () => {
  expect(new Set(operationNames).size).toBe(operationNames.length);
  expect([...operationNames].sort()).toEqual(Object.keys(operations).sort());
});

it('names.ts lists every event of the contract', () => {
  expect([...eventNames].sort()).toEqual([...contractEvents].sort());
});
