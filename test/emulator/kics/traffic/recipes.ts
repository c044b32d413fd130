import {
  CAPTURE_PROTOCOLS,
  type CaptureProtocol,
  type TrafficRecipe,
} from '../../../../src/emulator/kics/traffic/recipe.ts';
import { DIALOGUES } from '../../../../src/emulator/kics/traffic/index.ts';

export const START_TIME = Date.UTC(2024, 8, 12, 10, 16, 52, 390);

/** A recipe between an engineering station and a PLC; `overrides` changes any field. */
export function recipe(
  protocol: CaptureProtocol,
  action: string,
  overrides: Partial<TrafficRecipe> = {},
): TrafficRecipe {
  return {
    protocol,
    client: { mac: '00:1a:2b:3c:4d:5e', ip: '10.20.1.15', port: 49_731 },
    server: { mac: '00-0E-8C-A1-22-33', ip: '10.20.4.2', port: DIALOGUES[protocol].port },
    vlanId: null,
    startTime: START_TIME,
    exchanges: 3,
    action,
    seed: 2024,
    ...overrides,
  };
}

/** Every protocol with the actions it writes itself and one it lacks (written as a read). */
export const CASES: ReadonlyArray<{ protocol: CaptureProtocol; action: string }> = CAPTURE_PROTOCOLS.flatMap(
  (protocol) =>
    [...DIALOGUES[protocol].actions, 'program-download', 'stop']
      .filter((a, i, all) => all.indexOf(a) === i)
      .map((action) => ({ protocol, action })),
);
