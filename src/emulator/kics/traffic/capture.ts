import { FieldError } from '../../../errors.ts';
import { Random } from '../../core/random.ts';
import type { TrafficRecipe } from './recipe.ts';
import { checkPort, parseIpv4, parseMac } from './addresses.ts';
import type { FrameEndpoint } from './frame.ts';
import { pcapFile } from './pcap.ts';
import { resolveAction } from './protocols/dialogue.ts';
import { DIALOGUES } from './protocols/index.ts';
import { tcpConversation } from './tcp-conversation.ts';

export const MAX_EXCHANGES = 50;

/**
 * The capture of an event's traffic: a libpcap file of one TCP conversation between the recipe's client and
 * server in its protocol. The same recipe always gives the same bytes (everything random is drawn from
 * `recipe.seed`), so the emulator keeps recipes and writes files on request.
 */
export function writeCapture(recipe: TrafficRecipe): Buffer {
  const dialogue = DIALOGUES[recipe.protocol];
  if (dialogue === undefined)
    throw new FieldError('protocol', `no capture is written for ${JSON.stringify(recipe.protocol)}`);
  if (!Number.isInteger(recipe.exchanges) || recipe.exchanges < 1 || recipe.exchanges > MAX_EXCHANGES)
    throw new FieldError(
      'exchanges',
      `must be an integer from 1 to ${MAX_EXCHANGES}, got ${recipe.exchanges}`,
    );
  if (
    recipe.vlanId !== null &&
    (!Number.isInteger(recipe.vlanId) || recipe.vlanId < 1 || recipe.vlanId > 4094)
  )
    throw new FieldError('vlanId', `must be null or an integer from 1 to 4094, got ${recipe.vlanId}`);
  if (!Number.isFinite(recipe.startTime) || recipe.startTime < 0)
    throw new FieldError('startTime', `must be epoch milliseconds, got ${recipe.startTime}`);
  const client = endpoint(recipe.client, 'client');
  const server = endpoint(recipe.server, 'server');

  // Two independent sequences: the timing and TCP numbers never shift the payloads, and the other way round.
  const messages = dialogue.messages({
    action: resolveAction(dialogue, recipe.action),
    exchanges: recipe.exchanges,
    rng: Random.derive(recipe.seed, `kics/traffic/${recipe.protocol}`),
    startTime: recipe.startTime,
  });
  const frames = tcpConversation({
    client,
    server,
    vlanId: recipe.vlanId,
    startTime: recipe.startTime,
    messages,
    rng: Random.derive(recipe.seed, 'kics/traffic/tcp'),
  });
  return pcapFile(frames);
}

function endpoint(given: TrafficRecipe['client'], side: 'client' | 'server'): FrameEndpoint {
  return {
    mac: parseMac(given.mac, `${side}.mac`),
    ip: parseIpv4(given.ip, `${side}.ip`),
    port: checkPort(given.port, `${side}.port`),
  };
}
