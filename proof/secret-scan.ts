/**
 * R17: after the other rows ran, search every log, database file and crash report they wrote for the secrets
 * the runs used. The secrets are the ones the proof knows: the literal passwords, tokens and secrets of the test
 * and bench sources (every run uses those), their base64, and the shapes no log may carry whatever the value
 * (`KSCBasic`, a session header with its value, a bearer JWT).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** A named string constant in test or bench sources that holds a secret (`PASSWORD = '…'`, `token: '…'`). */
const SECRET_LITERAL =
  /(?:[A-Z_]*(?:PASSWORD|TOKEN|SECRET)[A-Z_]*\s*=|\b(?:password|token|secret|hmacSecret)\s*:)\s*'([^'\n]{8,})'/g;

/** Values that look like secrets in the sources but are deliberately not secret (placeholders, wrong values). */
const NOT_SECRET = /^(?:not-a-|unused|short secret)/;

/** The literal secrets of the test and bench sources: the values every proof run logs in or signs with. */
export function knownSecrets(root: string, dirs: readonly string[] = ['test', 'bench', 'proof']): string[] {
  const found = new Set<string>();
  for (const dir of dirs) {
    for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true, recursive: true })) {
      if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
      const text = readFileSync(path.join(entry.parentPath, entry.name), 'utf8');
      for (const match of text.matchAll(SECRET_LITERAL)) {
        const value = match[1]!;
        if (!NOT_SECRET.test(value) && !value.includes('${')) found.add(value);
      }
    }
  }
  return [...found].sort();
}

export interface SecretNeedle {
  readonly label: string;
  readonly pattern: RegExp;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Each secret and its base64, plus the shapes that are secret whatever their value. */
export function needlesFor(secrets: readonly string[]): SecretNeedle[] {
  const needles: SecretNeedle[] = [
    { label: 'KSCBasic', pattern: /KSCBasic/ },
    { label: 'X-KSC-Session value', pattern: /X-KSC-Session["']?\s*[:=]\s*["']?[A-Za-z0-9+/=_-]{8,}/i },
    { label: 'bearer JWT', pattern: /Bearer\s+eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\./ },
  ];
  for (const secret of secrets) {
    needles.push({ label: `secret ${mask(secret)}`, pattern: new RegExp(escape(secret)) });
    const b64 = Buffer.from(secret, 'utf8').toString('base64').replace(/=+$/, '');
    needles.push({ label: `base64 of ${mask(secret)}`, pattern: new RegExp(escape(b64)) });
  }
  return needles;
}

/** Names the secret in the report without printing it. */
function mask(secret: string): string {
  return `${secret.slice(0, 3)}…(${secret.length})`;
}

/** Logs, databases and crash reports: what R17 searches. Secret stores (password files, keys) are not logs. */
export function isScanned(file: string): boolean {
  const name = path.basename(file);
  if (/\.(log|ndjson|jsonl|out|txt)$/.test(name)) return true;
  if (/\.(db|sqlite|sqlite3)(-wal|-shm|-journal)?$/.test(name) || /-(wal|journal)$/.test(name)) return true;
  if (/^report\..*\.json$/.test(name) || /^core(\.\d+)?$/.test(name)) return true;
  // PostgreSQL's heap and write-ahead files have bare numeric names under base/ and pg_wal/.
  return /[/\\](base|pg_wal|global)[/\\]/.test(file) && /^[0-9A-F_a-z]+$/.test(name);
}

export interface SecretHit {
  readonly file: string;
  readonly needle: string;
}

export interface ScanResult {
  readonly filesScanned: number;
  readonly bytesScanned: number;
  readonly secrets: number;
  readonly hits: readonly SecretHit[];
}

/** Searches every scanned file under `roots` for every needle. */
export function scanForSecrets(roots: readonly string[], needles: readonly SecretNeedle[]): ScanResult {
  let filesScanned = 0;
  let bytesScanned = 0;
  const hits: SecretHit[] = [];
  for (const root of roots) {
    let entries;
    try {
      entries = readdirSync(root, { withFileTypes: true, recursive: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      if (!entry.isFile()) continue;
      const file = path.join(entry.parentPath, entry.name);
      if (!isScanned(file)) continue;
      let text: string;
      try {
        if (statSync(file).size > 1024 ** 3) continue;
        // latin1 keeps every byte as one character, so binary database pages are searched byte for byte.
        text = readFileSync(file).toString('latin1');
      } catch {
        continue; // removed meanwhile (a server's temp file)
      }
      filesScanned++;
      bytesScanned += text.length;
      for (const needle of needles) {
        if (needle.pattern.test(text)) hits.push({ file, needle: needle.label });
      }
    }
  }
  return { filesScanned, bytesScanned, secrets: needles.length, hits };
}
