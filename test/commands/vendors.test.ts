import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { executeCommand } from '../../src/commands/core/execute.ts';
import type { CommandDefinition } from '../../src/commands/core/types.ts';
import { commandNameProblem, SUBJECT_NAMES } from '../../src/commands/core/vendors.ts';
import { COMMANDS } from '../../src/commands/registry.ts';

describe('vendors and command names', () => {
  it('keeps seed 001’s names for KSC and the vendor prefix for the others', () => {
    expect(commandNameProblem('list_hosts', 'ksc')).toBeUndefined();
    expect(commandNameProblem('kics_list_devices', 'kics')).toBeUndefined();
    expect(commandNameProblem('list_devices', 'kics')).toContain('starts with "kics_"');
    expect(commandNameProblem('kics_list_devices', 'ksc')).toContain('belongs to kics commands');
    expect(commandNameProblem('List-Hosts', 'ksc')).toContain('snake_case');
  });

  it('finds every registered command named by its vendor’s rule, with its vendor’s API metadata', () => {
    for (const command of COMMANDS) {
      expect(SUBJECT_NAMES, command.name).toContain(command.vendor);
      expect(commandNameProblem(command.name, command.vendor), command.name).toBeUndefined();
      expect(command.api.operations.length, command.name).toBeGreaterThan(0);
    }
  });

  it('fails a command whose vendor has no client in the context, naming the connection, before it runs', async () => {
    let ran = false;
    const kicsOnly: CommandDefinition = {
      name: 'kics_probe',
      title: 'KICS Probe',
      description: 'A probe of the vendor check.',
      vendor: 'kics',
      api: { roles: ['Operator', 'Administrator'], operations: ['Querying several devices'] },
      input: z.object({}),
      keyFields: z.object({}),
      readOnly: true,
      destructive: false,
      idempotent: true,
      example: {},
      run: () => {
        ran = true;
        throw new Error('must not run');
      },
    };
    const result = await executeCommand(kicsOnly, { now: Date.now }, {});
    expect(ran).toBe(false);
    expect(result.status).toBe('Failed');
    expect(result.errors[0]).toMatchObject({ code: 'INVALID_INPUT', statusCode: 400 });
    expect(result.errors[0]?.message).toMatch(
      /^connection: kics_probe needs a connection to KICS for Networks/,
    );
  });
});
