/**
 * CI's part of the proof. Running the fast rows takes longer than CI's budget on two loaded cores (each row is a
 * vitest run of its own: 15–60 s), so CI checks what keeps `npm run proof` honest instead: every R and B row of
 * the spec is in the registry, every row runs something that exists or says why not, and the secret scan finds
 * what it must find. `npm run proof -- --fast` runs the fast rows themselves.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ROWS, SPEC_IDS, filesOf } from '../../proof/rows.ts';
import { knownSecrets, needlesFor, scanForSecrets } from '../../proof/secret-scan.ts';
import { TEST_PASSWORD } from '../support/ksc-emulator.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('the proof registry', () => {
  it('has exactly one row per spec id, R1–R24 and B1–B8, in order', () => {
    expect(ROWS.map((r) => r.id)).toEqual(SPEC_IDS);
  });

  it('gives every row a scenario, an injection and a criterion, and a runner that exists or a reason', () => {
    for (const row of ROWS) {
      expect(row.scenario, row.id).not.toBe('');
      expect(row.injected, row.id).not.toBe('');
      expect(row.criterion, row.id).not.toBe('');
      if (row.run.kind === 'notApplicable') expect(row.run.reason.length, row.id).toBeGreaterThan(20);
      for (const file of filesOf(row))
        expect(existsSync(path.join(root, file)), `${row.id}: ${file}`).toBe(true);
    }
  });

  it('marks the rows that finish in seconds as fast, and none that runs a benchmark', () => {
    const fast = ROWS.filter((r) => r.fast);
    expect(fast.length).toBeGreaterThanOrEqual(15);
    expect(fast.filter((r) => r.run.kind === 'script')).toEqual([]);
  });
});

describe('the secret scan (R17)', () => {
  it('knows the secrets the test worlds use', () => {
    expect(knownSecrets(root)).toContain(TEST_PASSWORD);
  });

  it('finds a secret, its base64 and a KSCBasic header in logs and databases, and skips secret stores', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'proof-scan-'));
    try {
      const b64 = Buffer.from(TEST_PASSWORD).toString('base64');
      writeFileSync(path.join(dir, 'clean.log'), 'level=debug msg="call" method=HostGroup.GroupIdGroups\n');
      writeFileSync(path.join(dir, 'leaky.log'), `authorization: KSCBasic user="YQ==", pass="${b64}"\n`);
      writeFileSync(
        path.join(dir, 'state.db'),
        Buffer.concat([Buffer.alloc(64), Buffer.from(TEST_PASSWORD)]),
      );
      writeFileSync(path.join(dir, 'password-file'), TEST_PASSWORD);
      const scan = scanForSecrets([dir], needlesFor([TEST_PASSWORD]));
      expect(scan.filesScanned).toBe(3);
      const hits = scan.hits.map((h) => `${path.basename(h.file)} ${h.needle.split(' ')[0]}`).sort();
      expect(hits).toEqual(['leaky.log KSCBasic', 'leaky.log base64', 'state.db secret']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
