/** The records of the JSON log lines in a process's output (stderr that is not a terminal); other lines are skipped. */
export function logRecords(
  text: string,
): Array<Record<string, unknown> & { level: string; message: string }> {
  const records: Array<Record<string, unknown> & { level: string; message: string }> = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const record = JSON.parse(line) as Record<string, unknown>;
      if (typeof record['level'] === 'string' && typeof record['message'] === 'string') {
        records.push(record as Record<string, unknown> & { level: string; message: string });
      }
    } catch {
      // A status line that happens to start with a brace: not a log record.
    }
  }
  return records;
}

/** The messages of the JSON log lines of component `name` (`mcp`, `serve`, `emulator-ksc`). */
export function logMessages(text: string, name: string): string[] {
  return logRecords(text)
    .filter((record) => record['name'] === name)
    .map((record) => record.message);
}
