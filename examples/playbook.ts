/**
 * An incident-response playbook, end to end, with kconnect's commands:
 *   find the critical hosts → read their status → scan the most infected one that can be isolated → wait →
 *   read the scan result → isolate it → list its quarantine → restore a file → lift the isolation.
 *
 * Run it against the emulator it starts itself:   node --import tsx examples/playbook.ts
 * or against a KSC of yours:                      KSC_URL=https://ksc:13299 KSC_USER=… KSC_PASSWORD=… node --import tsx examples/playbook.ts
 * (add KSC_PIN=sha256/… to pin the server's key; without it the system CAs must trust the certificate).
 *
 * The steps only use the library's public pieces: the registry, `executeCommand` and the output contract.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CommandContext } from '../src/commands/index.ts';
import { startKscEmulator } from '../src/emulator/ksc/emulator.ts';
import { KscClient } from '../src/ksc/index.ts';
import { keyList, PlaybookError, rows, step, type Row, type StepRecord } from './steps.ts';

/** What the playbook did, step by step, for a report or a test. */
export interface PlaybookRun {
  readonly steps: StepRecord[];
  readonly host?: string;
  readonly restoredFileId?: number;
}

export async function runPlaybook(
  ctx: CommandContext,
  log: (line: string) => void = console.log,
): Promise<PlaybookRun> {
  const run: PlaybookRun = { steps: [] };
  // The critical hosts first; when none of them can be scanned and isolated, the hosts with warnings.
  let target: Row | undefined;
  for (const [statusId, label] of [
    [1, 'critical'],
    [2, 'warning'],
  ] as const) {
    const found = await step(
      ctx,
      run.steps,
      'list_hosts',
      { filter: `(KLHST_WKS_STATUS_ID = ${statusId})`, limit: 100 },
      (r) => `${keyList(r, 'HostIDs').length} ${label} hosts`,
      log,
    );
    const ids = keyList(found, 'HostIDs').slice(0, 50);
    if (ids.length === 0) continue;
    const status = await step(
      ctx,
      run.steps,
      'get_host_status',
      { hostNames: ids },
      (r) => `${rows(r).length} hosts read`,
      log,
    );
    // Isolation needs Kaspersky Endpoint Agent, the scan KES for Windows: the most infected host with both.
    target = rows(status)
      .filter((h) => {
        const apps = Array.isArray(h['applications'])
          ? (h['applications'] as Row[]).map((a) => a['name'])
          : [];
        return apps.includes('KES') && apps.includes('EDRAgent');
      })
      .sort((x, y) => Number(y['KLHST_WKS_VIRUS_COUNT'] ?? 0) - Number(x['KLHST_WKS_VIRUS_COUNT'] ?? 0))[0];
    if (target !== undefined) break;
  }
  if (target === undefined) throw new PlaybookError('no host that is not OK has both KES and Endpoint Agent');
  const host = String(target['KLHST_WKS_HOSTNAME']);
  const name = String(target['KLHST_WKS_DN']);
  log(`→ ${name} (${host}): ${String(target['hostExtStatuses'] ?? target['status'])}`);

  const scanName = `kconnect playbook scan ${new Date(ctx.now()).toISOString().slice(0, 16)}`;
  await step(
    ctx,
    run.steps,
    'scan_hosts',
    {
      hostNames: [host],
      scanType: 'Virus Scan with Kaspersky Endpoint Security for Windows(11.7.0)',
      scanDisplayName: scanName,
      wait: true,
      waitTimeoutSeconds: 900,
      idempotencyKey: `playbook-scan-${host}`,
    },
    (r) => `task ${String((r.keyFields as Row)['ScanTaskID'])}: ${String((r.keyFields as Row)['ScanState'])}`,
    log,
  );
  await step(
    ctx,
    run.steps,
    'get_scan_result',
    { hostId: host, scanTaskName: scanName },
    (r) => `${keyList(r, 'EventNames').length} events: ${[...new Set(keyList(r, 'EventNames'))].join(', ')}`,
    log,
  );
  await step(
    ctx,
    run.steps,
    'isolate_hosts',
    { hostIds: [host], isolationTimeout: 120, wait: true, idempotencyKey: `playbook-isolate-${host}` },
    (r) => `isolation: ${keyList(r, 'IsolationStates').join(', ')}`,
    log,
  );
  const quarantine = await step(
    ctx,
    run.steps,
    'list_quarantine_files',
    { hostId: host },
    (r) => `${keyList(r, 'FileIDs').length} files in quarantine`,
    log,
  );
  const fileId = keyList(quarantine, 'FileIDs')[0];
  let restoredFileId: number | undefined;
  if (typeof fileId === 'number') {
    await step(
      ctx,
      run.steps,
      'unquarantine_files',
      { fileIds: [fileId], wait: true, idempotencyKey: `playbook-restore-${fileId}` },
      () => `file ${fileId} restored`,
      log,
    );
    restoredFileId = fileId;
  } else {
    log('→ nothing in quarantine to restore');
  }
  await step(
    ctx,
    run.steps,
    'unisolate_hosts',
    { hostIds: [host], wait: true, idempotencyKey: `playbook-unisolate-${host}` },
    (r) => `isolation: ${keyList(r, 'IsolationStates').join(', ')}`,
    log,
  );
  return { ...run, host, ...(restoredFileId === undefined ? {} : { restoredFileId }) };
}

async function main(): Promise<void> {
  const url = process.env['KSC_URL'];
  if (url !== undefined) {
    const pin = process.env['KSC_PIN'];
    const ksc = new KscClient({
      url,
      credentials: { user: process.env['KSC_USER'] ?? '', password: process.env['KSC_PASSWORD'] ?? '' },
      ...(pin === undefined ? {} : { tls: { pins: [pin] } }),
    });
    try {
      await runPlaybook({ ksc, now: Date.now });
    } finally {
      await ksc.close();
    }
    return;
  }
  // No server given: a throwaway emulator. Its clock moves when the playbook waits, so a ten-minute scan and
  // the agents' syncs pass in moments instead of in real time.
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kconnect-playbook-'));
  const password = `playbook-${process.pid}-${Date.now()}`;
  const emulator = await startKscEmulator({
    http: true,
    port: 0,
    dataDir,
    adminPassword: password,
    agentSyncSeconds: 5,
  });
  const ksc = new KscClient({ url: emulator.url, credentials: { user: 'admin', password } });
  console.log(`emulator on ${emulator.url}`);
  try {
    await runPlaybook({
      ksc,
      now: () => emulator.clock.now(),
      sleep: (ms) => {
        emulator.clock.advance(ms);
        return Promise.resolve();
      },
    });
  } finally {
    await ksc.close();
    await emulator.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
