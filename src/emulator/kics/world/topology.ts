import type { DeviceView } from './devices.ts';

/**
 * Who talks to whom: per control cell, the devices that serve an industrial protocol (controllers, relays,
 * gateways) and the clients that poll or program them (panels and SCADA stations of the cell, and the operations
 * LAN's SCADA servers, engineering stations and historians, which reach every cell). Rules and events draw their
 * communicating pairs from here, so every pair is a real pair of the world.
 */

const CLIENT_TYPES = new Set(['ScadaHmi', 'EngineeringStation', 'HmiPanel', 'Historian']);

export interface Topology {
  /** Per cell index: devices that serve an industrial protocol. */
  readonly servers: ReadonlyArray<readonly DeviceView[]>;
  /** Per cell index: clients in the cell. */
  readonly clients: ReadonlyArray<readonly DeviceView[]>;
  /** Clients on the operations LAN. */
  readonly operationsClients: readonly DeviceView[];
  /** Cells that have at least one server, for uniform picks. */
  readonly activeCells: readonly number[];
  /** Every server of the site, for picks weighted by device count. */
  readonly allServers: readonly DeviceView[];
}

export function buildTopology(views: readonly DeviceView[], cellCount: number): Topology {
  const servers: DeviceView[][] = Array.from({ length: cellCount }, () => []);
  const clients: DeviceView[][] = Array.from({ length: cellCount }, () => []);
  const operationsClients: DeviceView[] = [];
  const allServers: DeviceView[] = [];
  for (const view of views) {
    // Archived devices are silent; devices seen only behind a router have no MAC to write into a capture.
    if (view.status === 'Archived' || view.mac === null) continue;
    const isClient = CLIENT_TYPES.has(view.category);
    if (view.cell < 0) {
      if (isClient) operationsClients.push(view);
      continue;
    }
    if (view.serverProtocol !== null && !isClient) {
      servers[view.cell]?.push(view);
      allServers.push(view);
    } else if (isClient) clients[view.cell]?.push(view);
  }
  const activeCells: number[] = [];
  for (let c = 0; c < cellCount; c++) if ((servers[c]?.length ?? 0) > 0) activeCells.push(c);
  return { servers, clients, operationsClients, activeCells, allServers };
}
