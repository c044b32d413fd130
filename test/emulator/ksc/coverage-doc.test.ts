import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EMULATOR_DOC, renderEmulatorDoc } from '../../../scripts/emulator-doc.ts';
import { KSC_CLASSES } from '../../../src/emulator/ksc/classes/index.ts';
import { coverageRows, EXPECTED_METHODS } from '../../../src/emulator/ksc/coverage.ts';

describe('the KSC emulator coverage table (docs/emulator-ksc/coverage.md)', () => {
  it('is generated from the registry', async () => {
    expect(readFileSync(EMULATOR_DOC, 'utf8'), 'run `npm run docs:emulator`').toBe(await renderEmulatorDoc());
  });

  it('lists every implemented method, and every class and method issue 21 names that is missing as none', () => {
    const rows = coverageRows();
    const level = (className: string, method?: string) =>
      rows.find((r) => r.className === className && r.method === method)?.level;
    for (const c of KSC_CLASSES)
      for (const method of Object.keys(c.methods))
        expect(level(c.name, method), `${c.name}.${method}`).not.toBe('none');
    const implemented = new Set(
      KSC_CLASSES.flatMap((c) => Object.keys(c.methods).map((m) => `${c.name}.${m}`)),
    );
    for (const [className, methods] of Object.entries(EXPECTED_METHODS)) {
      for (const method of methods)
        if (!implemented.has(`${className}.${method}`)) expect(level(className, method)).toBe('none');
      if (methods.length === 0 && !KSC_CLASSES.some((c) => c.name === className))
        expect(level(className)).toBe('none');
    }
    // A partial method carries what it misses (GetHostInfo was the example until KLHST_APP_INFO came: now full).
    expect(level('HostGroup', 'GetHostInfo')).toBe('full');
    expect(level('SrvView', 'ResetIterator')).toBe('partial');
    expect(rows.find((r) => r.method === 'ResetIterator')?.missing).toContain('InvSrvViewName');
  });
});
