/** Throughput of the KLOAPI codec on host-chunk and event-range shaped data. */
import {
  decodeArguments,
  encodeArguments,
  encodeValue,
  parseWireJson,
  stringifyValue,
  stringifyWireJson,
  type KlParams,
} from '../src/ksc/index.ts';

function measure(name: string, items: number, fn: () => void): void {
  fn();
  const start = process.hrtime.bigint();
  fn();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  console.log(
    `${name.padEnd(48)} ${Math.round(items / seconds)
      .toLocaleString('en-US')
      .padStart(12)} items/s  (${(seconds * 1000).toFixed(0)} ms for ${items.toLocaleString('en-US')})`,
  );
}

const N = 100_000;
const hosts: KlParams[] = Array.from({ length: N }, (_, i) => ({
  KLHST_WKS_HOSTNAME: `0f8fad5b-d9cb-469f-a165-${String(i).padStart(12, '0')}`,
  KLHST_WKS_DN: `WIN-${i.toString(36).toUpperCase()}`,
  KLHST_WKS_STATUS: 29,
  KLHST_WKS_IP_LONG: BigInt(3232235520 + i),
  KLHST_WKS_LAST_VISIBLE: new Date(1_700_000_000_000 + i * 1000),
}));
const events: KlParams[] = Array.from({ length: N }, (_, i) => ({
  event_db_id: BigInt(i + 1),
  event_type: 'GNRL_EV_VIRUS_FOUND',
  event_type_display_name: 'Malicious object detected',
  GNRL_EA_SEVERITY: 4,
  GNRL_EA_DESCRIPTION: `Malicious object detected: C:\\Users\\user${i}\\Downloads\\invoice.exe (Trojan.Win32.Agent)`,
  GNRL_EA_PARAM_1: `C:\\Users\\user${i}\\Downloads\\invoice.exe`,
  GNRL_EA_PARAM_2: 'Trojan.Win32.Agent',
  rise_time: new Date(1_700_000_000_000 + i * 1000),
  registration_time: new Date(1_700_000_002_000 + i * 1000),
  hostname: `0f8fad5b-d9cb-469f-a165-${String(i % 5000).padStart(12, '0')}`,
  hostdn: `WIN-${(i % 5000).toString(36).toUpperCase()}`,
}));

let hostChunk = '';
measure('encode host items (5 attributes)', N, () => {
  hostChunk = encodeArguments({ pChunk: { KLCSP_ITERATOR_ARRAY: hosts } });
});
measure('decode host items (lossless parse + typed decode)', N, () => {
  decodeArguments(hostChunk);
});
const wide = hostChunk.replace(/"value":(\d+)/g, (_m, d: string) => `"value":${d}0000000`);
measure('parse host items with 64-bit longs (exact parser)', N, () => {
  parseWireJson(wide);
});
let eventJson: string[] = [];
measure('encode events (11 attributes), tree + JSON.stringify', N, () => {
  eventJson = events.map((e) => stringifyWireJson(encodeValue(e)));
});
measure('encode events (11 attributes), text encoder', N, () => {
  eventJson = events.map((e) => stringifyValue(e));
});
measure('decode events from stored JSON', N, () => {
  decodeArguments(`{"a":[${eventJson.join(',')}]}`);
});
