/**
 * What every vendor client (KSC, KICS for Networks, …) offers the parts of kconnect that do not know the vendor:
 * the command core joins a command's abort signal to it, and the service, `config check` and the console's
 * connection list ask it whether its server answers and close it when done.
 */
export interface VendorClient {
  /** A view whose every call also carries `signal`; `undefined` gives the client itself. */
  withSignal(signal: AbortSignal | undefined): VendorClient;
  /** Ends the client's sessions and connections; with a signal that aborts, at once. */
  close(options?: { readonly signal?: AbortSignal }): Promise<void>;
}
