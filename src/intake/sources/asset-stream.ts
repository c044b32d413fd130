/**
 * An asset inventory as a change stream (decisions/0042): a first full snapshot (`change: 'snapshot'`), then what
 * was `added`, `changed` or `removed` since, found by comparing each full read of the inventory with what the
 * stream delivered.
 *
 * What was delivered is kept as a compact fingerprint per asset in the state store, one entry per generation
 * (namespace `intake.assets`, key `<stateKey>/<generation>`); the cursor holds only generation numbers and, in
 * the middle of delivering a pass, the last asset id delivered — so it stays small for 100,000 hosts. A restart in
 * the middle of a pass takes, as what was delivered, the pass's fingerprints up to that id and the previous
 * generation's after it, and compares the inventory with that.
 */
import { createHash } from 'node:crypto';
import type { PlainJson } from '../../commands/core/types.ts';
import type { StateStore } from '../../store/state.ts';
import type { WireJson } from '../../wire/json.ts';
import { FieldError } from '../../errors.ts';
import type { ResetTarget, RewindableSource } from '../reset.ts';
import type { AssetChange, PlainObject, SourceBatch, SourceType, VendorRecord } from '../types.ts';
import { SourceCursorError } from './errors.ts';

/** One asset as the inventory gives it. */
export interface Asset {
  readonly id: string;
  readonly data: PlainObject;
}

export interface AssetStreamOptions {
  readonly type: SourceType;
  /** Names this stream's fingerprints in the state store: the pipeline's name. */
  readonly stateKey: string;
  /** Reads the whole inventory. */
  readonly inventory: (signal: AbortSignal) => AsyncIterable<Asset>;
  /** Attributes that change without the asset changing (last seen, last sync): left out of the fingerprint. */
  readonly volatileFields: readonly string[];
  /** The least time between two full reads of the inventory, ms. */
  readonly intervalMs: number;
  readonly now?: () => number;
}

const NAMESPACE = 'intake.assets';

type Fingerprints = Map<string, string>;

interface CursorJson {
  readonly v: 1;
  /** The generation whose fingerprints were wholly delivered; 0: none. */
  readonly base: number;
  /** A pass being delivered: its generation and the last asset id delivered from it. */
  readonly pass?: { readonly generation: number; readonly upTo: string };
  /** The first full snapshot is not wholly delivered yet. */
  readonly initial: boolean;
}

interface PendingPass {
  readonly generation: number;
  readonly base: number;
  readonly initial: boolean;
  readonly changes: readonly VendorRecord[];
  index: number;
}

/** Asset ids in one order: numerically when both are numbers (KICS device ids), else by code unit. */
export function compareIds(a: string, b: string): number {
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) {
    const x = BigInt(a);
    const y = BigInt(b);
    return x === y ? 0 : x < y ? -1 : 1;
  }
  return a === b ? 0 : a < b ? -1 : 1;
}

function fingerprint(data: PlainObject, volatile: ReadonlySet<string>): string {
  const kept: Record<string, PlainJson> = {};
  for (const key of Object.keys(data).sort()) if (!volatile.has(key)) kept[key] = data[key]!;
  return createHash('sha1').update(JSON.stringify(kept)).digest('base64').slice(0, 16);
}

export class AssetStreamSource implements RewindableSource {
  readonly type: SourceType;
  private pending: PendingPass | undefined;
  private lastScan = Number.NEGATIVE_INFINITY;
  private readonly volatile: ReadonlySet<string>;
  private readonly now: () => number;

  constructor(
    private readonly store: StateStore,
    private readonly options: AssetStreamOptions,
  ) {
    this.type = options.type;
    this.volatile = new Set(options.volatileFields);
    this.now = options.now ?? Date.now;
  }

  async next(cursorJson: PlainJson | undefined, limit: number, signal: AbortSignal): Promise<SourceBatch> {
    const cursor = cursorJson === undefined || cursorJson === null ? undefined : this.parse(cursorJson);
    let pass = this.pending;
    if (pass === undefined || !this.continues(pass, cursor)) {
      this.pending = undefined;
      if (
        cursor !== undefined &&
        cursor.pass === undefined &&
        this.now() - this.lastScan < this.options.intervalMs
      )
        return { records: [], cursor: cursorJson ?? null, atHead: true };
      pass = await this.scan(cursor, signal);
      if (pass === undefined) {
        return {
          records: [],
          cursor: (cursorJson ?? { v: 1, base: 0, initial: true }) as PlainJson,
          atHead: true,
        };
      }
      this.pending = pass;
    }
    const records = pass.changes.slice(pass.index, pass.index + limit);
    pass.index += records.length;
    const done = pass.index >= pass.changes.length;
    let next: CursorJson;
    if (done) {
      next = { v: 1, base: pass.generation, initial: false };
      this.pending = undefined;
      await this.forgetBefore(pass.generation);
    } else {
      const last = pass.changes[pass.index - 1]!;
      next = {
        v: 1,
        base: pass.base,
        pass: { generation: pass.generation, upTo: assetIdOf(last) },
        initial: pass.initial,
      };
    }
    return {
      records,
      cursor: next as unknown as PlainJson,
      atHead: done,
      behind: { records: pass.changes.length - pass.index },
    };
  }

  async close(): Promise<void> {
    this.pending = undefined;
  }

  /**
   * The cursor a reset moves to. `start`: a new full snapshot (every asset again, as `snapshot`). `end`: the
   * inventory as it is now counts as delivered, so only later additions, changes and removals follow (this reads
   * the inventory once and keeps its fingerprints as a generation). An inventory has no history: a time is refused.
   */
  async cursorAt(to: ResetTarget, signal: AbortSignal): Promise<PlainJson> {
    this.pending = undefined;
    if (to === 'start') return { v: 1, base: 0, initial: true };
    if (to !== 'end')
      throw new FieldError('to', `${this.type} is an inventory without history: reset it to start or end`);
    const current: Fingerprints = new Map();
    for await (const asset of this.options.inventory(signal))
      current.set(asset.id, fingerprint(asset.data, this.volatile));
    const generation = (await this.newestGeneration()) + 1;
    await this.save(generation, current);
    this.lastScan = this.now();
    return { v: 1, base: generation, initial: false };
  }

  private continues(pass: PendingPass, cursor: CursorJson | undefined): boolean {
    if (cursor?.pass === undefined || cursor.pass.generation !== pass.generation || pass.index === 0)
      return false;
    return assetIdOf(pass.changes[pass.index - 1]!) === cursor.pass.upTo;
  }

  /** Reads the inventory and compares it with what was delivered; undefined when nothing changed. */
  private async scan(cursor: CursorJson | undefined, signal: AbortSignal): Promise<PendingPass | undefined> {
    let base = cursor?.base ?? 0;
    const initial = cursor?.initial ?? true;
    let delivered = await this.load(base);
    let newest = Math.max(base, await this.newestGeneration());
    if (cursor?.pass !== undefined) {
      // Delivered: the pass up to `upTo`, the base after it. Kept as a generation of its own, so the cursor can
      // keep naming what was delivered by one number.
      const partial = await this.load(cursor.pass.generation);
      const upTo = cursor.pass.upTo;
      const merged: Fingerprints = new Map();
      for (const [id, fp] of partial) if (compareIds(id, upTo) <= 0) merged.set(id, fp);
      for (const [id, fp] of delivered) if (compareIds(id, upTo) > 0) merged.set(id, fp);
      base = ++newest;
      await this.save(base, merged);
      delivered = merged;
    }
    const current: Fingerprints = new Map();
    const data = new Map<string, PlainObject>();
    for await (const asset of this.options.inventory(signal)) {
      current.set(asset.id, fingerprint(asset.data, this.volatile));
      data.set(asset.id, asset.data);
    }
    this.lastScan = this.now();
    const ids = [...new Set([...current.keys(), ...delivered.keys()])].sort(compareIds);
    const generation = newest + 1;
    const time = new Date(this.lastScan).toISOString();
    const changes: VendorRecord[] = [];
    for (const id of ids) {
      const now = current.get(id);
      const before = delivered.get(id);
      let change: AssetChange | undefined;
      if (now !== undefined && before === undefined) change = initial ? 'snapshot' : 'added';
      else if (now === undefined) change = 'removed';
      else if (now !== before) change = 'changed';
      if (change === undefined) continue;
      changes.push({
        kind: 'record',
        source: this.type,
        key: `${id}:${change}:${generation}`,
        time,
        change,
        data: data.get(id) ?? { id },
      });
    }
    if (changes.length === 0 && !(initial && base === 0)) return undefined;
    await this.save(generation, current);
    return { generation, base, initial, changes, index: 0 };
  }

  private parse(json: PlainJson): CursorJson {
    const c = json as Partial<CursorJson> | null;
    const ok =
      c !== null &&
      typeof c === 'object' &&
      !Array.isArray(c) &&
      c.v === 1 &&
      typeof c.base === 'number' &&
      typeof c.initial === 'boolean' &&
      (c.pass === undefined || (typeof c.pass.generation === 'number' && typeof c.pass.upTo === 'string'));
    if (!ok) throw new SourceCursorError(this.type, 'not a { v: 1, base, initial, pass? } object');
    return c as CursorJson;
  }

  private key(generation: number): string {
    // Zero-padded, so the store lists generations in order.
    return `${this.options.stateKey}/${String(generation).padStart(12, '0')}`;
  }

  private async load(generation: number): Promise<Fingerprints> {
    if (generation === 0) return new Map();
    const entry = await this.store.get(NAMESPACE, this.key(generation));
    if (entry === undefined)
      throw new SourceCursorError(this.type, `the fingerprints of generation ${generation} are missing`);
    return new Map(Object.entries(entry.value as Record<string, string>));
  }

  private async save(generation: number, fingerprints: Fingerprints): Promise<void> {
    await this.store.put(NAMESPACE, this.key(generation), Object.fromEntries(fingerprints) as WireJson);
  }

  private async generations(): Promise<number[]> {
    const out: number[] = [];
    for (let after: string | undefined; ;) {
      const page = await this.store.list(NAMESPACE, `${this.options.stateKey}/`, {
        limit: 1000,
        ...(after === undefined ? {} : { after }),
      });
      for (const entry of page) out.push(Number(entry.key.slice(this.options.stateKey.length + 1)));
      if (page.length < 1000) return out;
      after = page[page.length - 1]!.key;
    }
  }

  private async newestGeneration(): Promise<number> {
    return Math.max(0, ...(await this.generations()));
  }

  /**
   * Deletes generations older than the one before `keep`: a checkpoint still names `keep`'s predecessor until the
   * runner commits this batch.
   */
  private async forgetBefore(keep: number): Promise<void> {
    const all = (await this.generations()).sort((a, b) => a - b);
    const older = all.filter((g) => g < keep);
    for (const g of older.slice(0, -1)) await this.store.delete(NAMESPACE, this.key(g));
  }
}

/** The asset id of a change record (the key is `<id>:<change>:<generation>`). */
function assetIdOf(record: VendorRecord): string {
  const key = record.key;
  const end = key.lastIndexOf(':', key.lastIndexOf(':') - 1);
  return key.slice(0, end);
}
