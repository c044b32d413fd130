/** What a client reports about its work, for people and logs. Never a credential, token, session id or body. */
export interface ClientLogRecord {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
}

/** Where a client reports; each vendor's records may carry more (the KSC method, a request id, an attempt). */
export type ClientLogger = (record: ClientLogRecord) => void;

/** What a health check learned: how long the server took, and what it says it is when the check asks. */
export interface HealthReport {
  /** Milliseconds the check took: a login when the client had none, and one cheap authenticated read. */
  readonly latencyMs: number;
  /** The server's product, version and name, when the vendor's cheap read tells them. */
  readonly server?: {
    /** Short, for people: `KSC`. */
    readonly product: string;
    readonly version: string;
    readonly hostName: string;
  };
}

/**
 * What every vendor client (KSC, KICS for Networks, …) offers the parts of kconnect that do not know the vendor:
 * the command core joins a command's abort signal to it, and the service, `config check` and the console's
 * connection list ask it whether its server answers and close it when done.
 */
export interface VendorClient {
  /** A view whose every call also carries `signal`; `undefined` gives the client itself. */
  withSignal(signal: AbortSignal | undefined): VendorClient;
  /**
   * Proves the server answers this client now: logs in if needed and makes one cheap authenticated read. Throws
   * the typed errors of `src/errors.ts` (`AuthenticationError`, `ConnectionError`, `TlsError`, `TimeoutError`,
   * `CancelledError` once `signal` aborts, …) or the vendor's own error answer.
   */
  checkHealth(signal?: AbortSignal): Promise<HealthReport>;
  /** Ends the client's sessions and connections; with a signal that aborts, at once. */
  close(options?: { readonly signal?: AbortSignal }): Promise<void>;
}

/**
 * Settles as `work` does, or rejects with `onAbort()` as soon as `signal` aborts. The work itself goes on: it
 * may be shared with other callers (one login serves every call waiting for it).
 */
export async function unlessAborted<T>(
  work: Promise<T>,
  signal: AbortSignal | undefined,
  onAbort: () => Error,
): Promise<T> {
  if (signal === undefined) return work;
  if (signal.aborted) throw onAbort();
  let listener: () => void = () => undefined;
  const aborted = new Promise<never>((_, reject) => {
    listener = () => reject(onAbort());
    signal.addEventListener('abort', listener, { once: true });
  });
  try {
    return await Promise.race([work, aborted]);
  } finally {
    signal.removeEventListener('abort', listener);
  }
}
