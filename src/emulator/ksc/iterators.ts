import { randomBytes } from 'node:crypto';
import type { Clock } from '../core/clock.ts';
import { faults } from './faults.ts';

/** KSC caps the lifetime of result sets at two hours (spec §5.1). */
export const MAX_LIFETIME_SECONDS = 7200;

const ALPHANUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** 22 alphanumeric characters, like real accessor ids (`ua1eizhXcYqZUuv64j8yB1`). */
function newIteratorId(): string {
  const bytes = randomBytes(22);
  let id = '';
  for (const byte of bytes) id += ALPHANUM[byte % ALPHANUM.length];
  return id;
}

interface Entry {
  readonly kind: string;
  readonly owner: string;
  readonly lifetimeMs: number;
  lastAccess: number;
  readonly data: unknown;
}

/**
 * Server-side result sets (ChunkAccessor, EventProcessing, SrvView iterators). Each belongs to the session that
 * made it and is destroyed when its lifetime passes without access, when that session ends, or on release
 * (spec §5.1).
 */
export class IteratorRegistry {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly clock: Clock,
    private readonly maxPerOwner = 1000,
  ) {}

  create<T>(kind: string, owner: string, lifetimeSeconds: number, data: T): string {
    this.sweep();
    let owned = 0;
    for (const entry of this.entries.values()) if (entry.owner === owner) owned++;
    if (owned >= this.maxPerOwner)
      throw faults.limitViolation('Too many open result sets; release some first');
    const seconds = Math.min(Math.max(1, Math.trunc(lifetimeSeconds)), MAX_LIFETIME_SECONDS);
    const id = newIteratorId();
    this.entries.set(id, { kind, owner, lifetimeMs: seconds * 1000, lastAccess: this.clock.now(), data });
    return id;
  }

  /** The result set's data; touching it extends its life. Unknown, expired or foreign ids are "not found". */
  get<T>(kind: string, id: string, owner: string): T {
    const entry = this.entries.get(id);
    const now = this.clock.now();
    if (entry === undefined || entry.kind !== kind || entry.owner !== owner) throw faults.iteratorNotFound();
    if (now - entry.lastAccess > entry.lifetimeMs) {
      this.entries.delete(id);
      throw faults.iteratorNotFound();
    }
    entry.lastAccess = now;
    return entry.data as T;
  }

  /** Destroys a result set; returns its data, for result sets that hold more than memory. */
  release<T = unknown>(kind: string, id: string, owner: string): T {
    const entry = this.entries.get(id);
    if (entry === undefined || entry.kind !== kind || entry.owner !== owner) throw faults.iteratorNotFound();
    this.entries.delete(id);
    return entry.data as T;
  }

  releaseOwner(owner: string): void {
    for (const [id, entry] of this.entries) if (entry.owner === owner) this.entries.delete(id);
  }

  /** Destroys every result set (fault injection). */
  expireAll(): number {
    const count = this.entries.size;
    this.entries.clear();
    return count;
  }

  get size(): number {
    return this.entries.size;
  }

  private sweep(): void {
    const now = this.clock.now();
    for (const [id, entry] of this.entries)
      if (now - entry.lastAccess > entry.lifetimeMs) this.entries.delete(id);
  }
}
