import { KconnectError } from '../../errors.ts';

/** One dependency's state, as `/readyz` reports it. */
export interface CheckResult {
  readonly name: string;
  readonly ok: boolean;
  /** Why it is not ready: an error message without secrets (the client's and the database layer's). */
  readonly error?: string;
  readonly durationMs: number;
}

export interface Readiness {
  readonly ready: boolean;
  readonly checks: readonly CheckResult[];
}

/** A connection to a vendor's server, as the service knows it: by name, and of a type (`ksc`, …). */
export interface ConnectionKey {
  readonly name: string;
  readonly type: string;
}

/** One dependency readiness checks. */
export interface HealthCheck {
  /** How `/readyz` names it: `database`, `ksc:<connection>`, … */
  readonly name: string;
  /** The connection it checks, if it checks one: what {@link Health.connections} reports it by. */
  readonly connection?: ConnectionKey;
  /** Resolves when the dependency answers. */
  run(signal: AbortSignal): Promise<unknown>;
}

/** A connection's state in the last readiness check (the console lists these). */
export interface ConnectionReadiness {
  readonly connection: ConnectionKey;
  readonly ok: boolean;
  /** Why it is not ready; while the service shuts down, that. */
  readonly error: string | null;
  /** Null when it was not checked (the service shuts down). */
  readonly durationMs: number | null;
}

export interface HealthOptions {
  readonly checks: readonly HealthCheck[];
  /** A check that has not answered by then fails. Default 5 s. */
  readonly timeoutMs?: number;
  /**
   * Probes come every few seconds from every load balancer and orchestrator; an answer is reused this long so
   * they do not become load on KSC. Default 2 s.
   */
  readonly cacheMs?: number;
  readonly now?: () => number;
}

function message(error: unknown): string {
  if (error instanceof KconnectError) return error.message;
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

const SHUTTING_DOWN: Readiness = Object.freeze({
  ready: false,
  checks: Object.freeze([{ name: 'service', ok: false, error: 'shutting down', durationMs: 0 }]),
});

/**
 * Liveness and readiness. Live means the process serves HTTP; ready means it can do its work now: the database
 * answers and every connection's client passes its health check (a login and a cheap authenticated read). A replica that is shutting down is not
 * ready, so load balancers stop sending it calls while it finishes those in flight.
 */
export class Health {
  private readonly timeoutMs: number;
  private readonly cacheMs: number;
  private readonly now: () => number;
  private cached: { at: number; readiness: Promise<Readiness> } | undefined;
  private stopping = false;

  constructor(private readonly options: HealthOptions) {
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.cacheMs = options.cacheMs ?? 2000;
    this.now = options.now ?? Date.now;
  }

  /** From now on `/readyz` says not ready. */
  drain(): void {
    this.stopping = true;
  }

  get draining(): boolean {
    return this.stopping;
  }

  ready(): Promise<Readiness> {
    if (this.stopping) return Promise.resolve(SHUTTING_DOWN);
    const now = this.now();
    if (this.cached !== undefined && now - this.cached.at < this.cacheMs) return this.cached.readiness;
    const readiness = this.runChecks();
    this.cached = { at: now, readiness };
    return readiness;
  }

  /**
   * Every connection's state, by connection name: the same checks and cache as {@link ready}, so the console's
   * list and `/readyz` agree.
   */
  async connections(): Promise<ReadonlyMap<string, ConnectionReadiness>> {
    const readiness = await this.ready();
    // The results are in the order of the checks, except while shutting down, when no check runs.
    const results = readiness === SHUTTING_DOWN ? undefined : readiness.checks;
    const byName = new Map<string, ConnectionReadiness>();
    this.options.checks.forEach((check, index) => {
      if (check.connection === undefined) return;
      const result = results?.[index];
      byName.set(check.connection.name, {
        connection: check.connection,
        ok: result?.ok ?? false,
        error: result === undefined ? (SHUTTING_DOWN.checks[0]?.error ?? null) : (result.error ?? null),
        durationMs: result?.durationMs ?? null,
      });
    });
    return byName;
  }

  private async runChecks(): Promise<Readiness> {
    const checks = await Promise.all(this.options.checks.map((check) => this.runCheck(check)));
    return { ready: checks.every((c) => c.ok), checks };
  }

  private async runCheck(check: HealthCheck): Promise<CheckResult> {
    const started = this.now();
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new KconnectError('TIMEOUT', `no answer within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
    });
    try {
      await Promise.race([check.run(controller.signal), timeout]);
      return { name: check.name, ok: true, durationMs: this.now() - started };
    } catch (error) {
      return { name: check.name, ok: false, error: message(error), durationMs: this.now() - started };
    } finally {
      clearTimeout(timer);
    }
  }
}
