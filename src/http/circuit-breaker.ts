/**
 * A circuit breaker per server connection, for every vendor's client: after `failureThreshold` consecutive
 * transport failures (connection refused or reset, timeouts, truncated answers) the circuit opens and calls fail at
 * once with a `CircuitOpenError`, so a hung server does not pile up waiting calls; after `coolDownMs` one probe
 * call goes through (half-open) and its outcome closes or reopens the circuit. Any HTTP answer counts as a
 * success: the server is there, whatever it says.
 */
import { FieldError } from '../errors.ts';

export interface CircuitBreakerOptions {
  /** Consecutive transport failures that open the circuit. Default 5. */
  readonly failureThreshold?: number;
  /** How long the circuit stays open before a probe, ms. Default 30,000. */
  readonly coolDownMs?: number;
}

export interface ResolvedCircuitBreaker {
  readonly failureThreshold: number;
  readonly coolDownMs: number;
}

export const CIRCUIT_BREAKER_DEFAULTS: ResolvedCircuitBreaker = Object.freeze({
  failureThreshold: 5,
  coolDownMs: 30_000,
});

export type CircuitState = 'closed' | 'open' | 'half-open';

/** Checks the options (`field` names them in errors); `false` turns the breaker off. */
export function resolveCircuitBreaker(
  options: CircuitBreakerOptions | false | undefined,
  field = 'circuitBreaker',
): ResolvedCircuitBreaker | undefined {
  if (options === false) return undefined;
  const threshold = options?.failureThreshold ?? CIRCUIT_BREAKER_DEFAULTS.failureThreshold;
  const coolDown = options?.coolDownMs ?? CIRCUIT_BREAKER_DEFAULTS.coolDownMs;
  if (!Number.isInteger(threshold) || threshold < 1 || threshold > 1000)
    throw new FieldError(`${field}.failureThreshold`, 'an integer from 1 to 1000');
  if (!Number.isInteger(coolDown) || coolDown < 1 || coolDown > 3_600_000)
    throw new FieldError(`${field}.coolDownMs`, 'an integer from 1 to 3600000');
  return Object.freeze({ failureThreshold: threshold, coolDownMs: coolDown });
}

/** What {@link CircuitBreaker.admit} answers: go ahead (perhaps as the probe), or wait until `retryAt`. */
export type Admission =
  | { readonly admitted: true; readonly probe: boolean }
  | { readonly admitted: false; readonly retryAt: number };

export class CircuitBreaker {
  private failures = 0;
  private openedUntil = 0;
  private probing = false;
  /** Times the circuit opened, for status and tests. */
  opened = 0;

  constructor(
    readonly options: ResolvedCircuitBreaker,
    private readonly now: () => number = Date.now,
    private readonly onChange: (state: CircuitState) => void = () => undefined,
  ) {}

  get state(): CircuitState {
    if (this.failures < this.options.failureThreshold) return 'closed';
    return this.now() < this.openedUntil ? 'open' : 'half-open';
  }

  /** Whether an exchange may start now; while half-open only one probe at a time. */
  admit(): Admission {
    const state = this.state;
    if (state === 'closed') return { admitted: true, probe: false };
    if (state === 'half-open' && !this.probing) {
      this.probing = true;
      return { admitted: true, probe: true };
    }
    return { admitted: false, retryAt: Math.max(this.openedUntil, this.now() + (state === 'open' ? 0 : 1)) };
  }

  succeeded(): void {
    const was = this.state;
    this.failures = 0;
    this.probing = false;
    if (was !== 'closed') this.onChange('closed');
  }

  failed(): void {
    // Calls that started before the circuit opened and fail while it is open do not extend the cool-down.
    const wasOpen = this.state === 'open';
    this.probing = false;
    this.failures++;
    if (wasOpen || this.failures < this.options.failureThreshold) return;
    this.openedUntil = this.now() + this.options.coolDownMs;
    this.opened++;
    this.onChange('open');
  }

  /** An exchange admitted as a probe ended without a verdict (the caller cancelled it): let another probe. */
  released(probe: boolean): void {
    if (probe) this.probing = false;
  }
}
