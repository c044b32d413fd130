import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { MiddlewareHandler } from 'hono';
import type { EmulatorEnv } from './server.ts';

export interface FaultSettings {
  /**
   * Added to every API call before it runs (ms): the call's own work comes on top, so calls that wait together
   * also queue together for the emulator's one thread afterwards.
   */
  readonly latencyMs?: number | undefined;
  /**
   * Every API call is answered no sooner than this many ms after it arrived, its work done inside that time: a
   * server whose calls take this long, whatever the emulator's own work (as long as that is shorter). Distinct from
   * `latencyMs`, which is added before the work; when both are set, the latency counts inside the response time.
   */
  readonly responseTimeMs?: number | undefined;
  /** Share of API calls (0–1) whose TCP connection is reset before they run. */
  readonly resetRate?: number | undefined;
  /**
   * When a reset happens: `before` the call runs (no effect: a client may retry any call), or `after` it took
   * effect and before the answer is sent — the ambiguous failure after which a client must not blindly retry a
   * mutating call. Default `before`.
   */
  readonly resetPhase?: 'before' | 'after' | undefined;
  /** Share of API calls (0–1) answered with a server error instead of running. */
  readonly errorRate?: number | undefined;
  /** The status of those answers (500–599). Default 503. */
  readonly errorStatus?: number | undefined;
  /** Answers trickle out at this many bytes per second (a slow or congested server); 0 or absent: full speed. */
  readonly slowBodyBytesPerSecond?: number | undefined;
  /** Seed of the reset and error lotteries, so a test sees the same sequence every run. */
  readonly seed?: number | undefined;
}

/** A small seeded generator: fault sequences must be repeatable. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Faults the control API can switch on, the same for every emulated API: latency, and connection resets before or
 * after a call takes effect, drawn from a seeded sequence. Faults that belong to one API's state (a KSC session or
 * iterator that expires) are that emulator's own control routes.
 */
export class FaultInjector {
  private settings: FaultSettings = {};
  private random: () => number = mulberry32(1);
  readonly counters = { calls: 0, resets: 0, errors: 0 };

  configure(settings: FaultSettings): void {
    const rate = settings.resetRate ?? 0;
    if (!(rate >= 0 && rate <= 1)) throw new RangeError('resetRate must be between 0 and 1');
    const errorRate = settings.errorRate ?? 0;
    if (!(errorRate >= 0 && errorRate <= 1)) throw new RangeError('errorRate must be between 0 and 1');
    const status = settings.errorStatus ?? 503;
    if (!(Number.isInteger(status) && status >= 500 && status <= 599))
      throw new RangeError('errorStatus must be an HTTP status from 500 to 599');
    if (settings.slowBodyBytesPerSecond !== undefined && !(settings.slowBodyBytesPerSecond >= 0))
      throw new RangeError('slowBodyBytesPerSecond must be ≥ 0');
    if (settings.latencyMs !== undefined && !(settings.latencyMs >= 0))
      throw new RangeError('latencyMs must be ≥ 0');
    if (settings.responseTimeMs !== undefined && !(settings.responseTimeMs >= 0))
      throw new RangeError('responseTimeMs must be ≥ 0');
    this.settings = { ...settings };
    this.random = mulberry32(settings.seed ?? 1);
  }

  clear(): void {
    this.settings = {};
  }

  current(): FaultSettings {
    return { ...this.settings };
  }

  /** Applies the faults due before a call; `'reset'` means the connection is gone and the call must not run. */
  async before(socket: Socket | undefined): Promise<'continue' | 'reset'> {
    this.counters.calls++;
    const { latencyMs = 0, resetPhase = 'before' } = this.settings;
    if (latencyMs > 0) await sleep(latencyMs);
    return resetPhase === 'before' ? this.maybeReset(socket) : 'continue';
  }

  /** The status to answer instead of running the call, when the error lottery draws it. */
  error(): number | undefined {
    const { errorRate = 0, errorStatus = 503 } = this.settings;
    if (errorRate > 0 && this.random() < errorRate) {
      this.counters.errors++;
      return errorStatus;
    }
    return undefined;
  }

  /** Bytes per second answers are held to; undefined at full speed. */
  get slowBodyBytesPerSecond(): number | undefined {
    const rate = this.settings.slowBodyBytesPerSecond ?? 0;
    return rate > 0 ? rate : undefined;
  }

  /** How long to hold an answer whose call arrived at `arrivedAt` (`performance.now()`); 0 when it may go now. */
  holdFor(arrivedAt: number): number {
    const { responseTimeMs = 0 } = this.settings;
    return responseTimeMs > 0 ? responseTimeMs - (performance.now() - arrivedAt) : 0;
  }

  /** Applies the faults due after a call took effect, before its answer is written. */
  after(socket: Socket | undefined): 'continue' | 'reset' {
    return this.settings.resetPhase === 'after' ? this.maybeReset(socket) : 'continue';
  }

  private maybeReset(socket: Socket | undefined): 'continue' | 'reset' {
    const { resetRate = 0 } = this.settings;
    if (resetRate > 0 && socket !== undefined && this.random() < resetRate) {
      this.counters.resets++;
      socket.resetAndDestroy();
      return 'reset';
    }
    return 'continue';
  }
}

/**
 * Applies the injector around each request it covers: mount it on the emulated API's routes (not on the control
 * API, which must stay reachable while faults are on).
 */
export function injectFaults(
  injector: FaultInjector,
  /** The injected server error in the API's own error shape. */
  answerError: (status: number) => Response = (status) =>
    Response.json({ error: 'injected server error' }, { status }),
): MiddlewareHandler<EmulatorEnv> {
  return async (c, next) => {
    const arrivedAt = performance.now();
    const decision = await injector.before(c.env.incoming?.socket);
    // The socket is gone; this response is never written, it only ends the middleware chain.
    if (decision === 'reset') return new Response(null, { status: 499 });
    const status = injector.error();
    if (status !== undefined) return answerError(status);
    await next();
    const hold = injector.holdFor(arrivedAt);
    if (hold >= 1) await sleep(hold);
    injector.after(c.env.incoming?.socket);
    const rate = injector.slowBodyBytesPerSecond;
    if (rate !== undefined && c.res.body !== null) c.res = throttled(c.res, rate);
    return undefined;
  };
}

/** The answer with its body let out in small pieces at `bytesPerSecond`. */
function throttled(response: Response, bytesPerSecond: number): Response {
  const piece = Math.max(1, Math.min(16_384, Math.floor(bytesPerSecond / 10)));
  const slow = new TransformStream<Uint8Array, Uint8Array>({
    async transform(chunk, controller) {
      for (let at = 0; at < chunk.length; at += piece) {
        const part = chunk.subarray(at, at + piece);
        await sleep((part.length / bytesPerSecond) * 1000);
        controller.enqueue(part);
      }
    },
  });
  const headers = new Headers(response.headers);
  // The length is unchanged, but compression middlewares may have set it for another body: let the stream decide.
  headers.delete('Content-Length');
  return new Response(response.body?.pipeThrough(slow) ?? null, { status: response.status, headers });
}
