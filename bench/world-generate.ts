/**
 * Generation speed of the emulator's world: 100,000 hosts, then 1,000,000 events streamed (counted, not kept).
 * Run: `node --import tsx bench/world-generate.ts [hosts] [events]`.
 */
import { generateWorld } from '../src/emulator/ksc/world/index.ts';

const hosts = Number(process.argv[2] ?? 100_000);
const events = Number(process.argv[3] ?? 1_000_000);
const now = Date.UTC(2025, 5, 15, 12, 0, 0);

const hostsStart = process.cpuUsage();
const hostsWall = performance.now();
const world = generateWorld({ seed: 1, hosts, events, now, virtualServers: ['Tenant A', 'Tenant B'] });
const hostsMs = performance.now() - hostsWall;
const hostsCpu = process.cpuUsage(hostsStart);

const eventsStart = process.cpuUsage();
const eventsWall = performance.now();
let count = 0;
let lastId = 0;
for (const event of world.events) {
  count += 1;
  lastId = event.id;
}
const eventsMs = performance.now() - eventsWall;
const eventsCpu = process.cpuUsage(eventsStart);

const cpuMs = (usage: NodeJS.CpuUsage): number => (usage.user + usage.system) / 1000;
const rate = (n: number, ms: number): string => Math.round((n / ms) * 1000).toLocaleString('en-US');
const peakRssMb = process.resourceUsage().maxRSS / 1024;

console.log(`groups: ${world.groups.length}`);
console.log(
  `hosts:  ${world.hosts.length.toLocaleString('en-US')} in ${hostsMs.toFixed(0)} ms wall, ${cpuMs(hostsCpu).toFixed(0)} ms CPU` +
    ` → ${rate(world.hosts.length, hostsMs)} hosts/s`,
);
console.log(
  `events: ${count.toLocaleString('en-US')} (last id ${lastId}) in ${eventsMs.toFixed(0)} ms wall, ` +
    `${cpuMs(eventsCpu).toFixed(0)} ms CPU → ${rate(count, eventsMs)} events/s`,
);
console.log(`peak RSS: ${peakRssMb.toFixed(0)} MB`);
