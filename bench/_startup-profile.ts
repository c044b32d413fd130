import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startKscEmulator } from '../src/emulator/ksc/emulator.ts';
const t = performance.now();
const k = await startKscEmulator({ http: true, port: 0, dataDir: mkdtempSync(path.join(os.tmpdir(), 'kb-')), hosts: 20000, events: 200000, adminPassword: 'bench-password' });
console.log('startup', ((performance.now() - t) / 1000).toFixed(1));
await k.close();
