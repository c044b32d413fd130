/** Calls `stop` on the first SIGINT or SIGTERM; the returned function stops listening. */
export function onProcessSignals(stop: () => void): () => void {
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return () => {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  };
}
