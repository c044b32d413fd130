// The relay of _counting-relay.ts, on its worker thread (plain JavaScript: a worker thread does not get the tsx
// loader on every Node.js version the benchmarks run on).
import net from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';

const { host, port, counters } = workerData;
const OPEN = 0;
const PEAK = 1;

const server = net.createServer((client) => {
  const open = Atomics.add(counters, OPEN, 1) + 1;
  if (open > Atomics.load(counters, PEAK)) Atomics.store(counters, PEAK, open);
  const upstream = net.connect(port, host);
  // A relay must not add Nagle's wait to small writes that the two ends send without it.
  client.setNoDelay(true);
  upstream.setNoDelay(true);
  client.pipe(upstream).pipe(client);
  let counted = true;
  const closeBoth = () => {
    if (counted) Atomics.sub(counters, OPEN, 1);
    counted = false;
    client.destroy();
    upstream.destroy();
  };
  client.on('close', closeBoth).on('error', closeBoth);
  upstream.on('close', closeBoth).on('error', closeBoth);
});
server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));
