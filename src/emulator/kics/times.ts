/**
 * The two spellings of time in KICS documents (seed 002 samples): zone-less for devices, allowing rules and the
 * license (`2020-10-26T10:15:06`, UTC by the spec's resolution Q19) and with `Z` for events, vulnerabilities and
 * monitoring points (`2020-10-27T17:32:25Z`). Both at whole seconds, as in the samples.
 */
export function zonelessTime(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 19);
}

export function utcTime(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(0, 19)}Z`;
}
