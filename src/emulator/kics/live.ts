import { Random } from '../core/random.ts';
import type { KicsStore } from './store/kics-store.ts';
import { createLiveKicsGenerator, generateKicsWorld, type LiveKicsGenerator } from './world/index.ts';

/** How the world was generated: live mode draws its devices and addresses from the same world. */
export interface LiveWorldOptions {
  readonly seed: number;
  readonly devices: number;
  readonly kscHosts: number;
}

/** Recent events a tick may see again (their `totalAppearances` grows). */
const RECUR_WINDOW = 200;
/** Share of ticks on which an unauthorized device appears. */
const NEW_DEVICE_CHANCE = 1 / 120;

/**
 * Live mode of the KICS emulator, stored: new events among the site's devices, events seen again, devices whose
 * `lastSeen` moves, and now and then an unauthorized device. The generator needs the world's summary, which is
 * rebuilt from the seed on first use (the documents themselves come from the database, which may have changed).
 */
export class KicsLiveWorld {
  private generatorCache: LiveKicsGenerator | undefined;
  private readonly rng: Random;

  constructor(
    private readonly store: KicsStore,
    private readonly options: LiveWorldOptions,
  ) {
    this.rng = Random.derive(options.seed, 'kics/live-ticks');
    // A reset regenerates the world; the generator's own sequence starts again with it.
    store.onReset(() => {
      this.generatorCache = undefined;
    });
  }

  private generator(now: number): LiveKicsGenerator {
    this.generatorCache ??= createLiveKicsGenerator(
      generateKicsWorld({ ...this.options, events: 0, now }).summary,
      this.options.seed,
    );
    return this.generatorCache;
  }

  /** Stores `count` new events raised at `now`; returns their ids. */
  addEvents(count: number, now: number): Promise<number[]> {
    return this.store.exclusively(async () => {
      const first = (await this.store.events.maxId()) + 1;
      const entries = this.generator(now).nextEvents(count, now, first);
      for (const { event, traffic } of entries) await this.store.insertEvent(event, traffic);
      return entries.map(({ event }) => event.id);
    });
  }

  /** Stores `count` devices never seen before, status Unauthorized; returns their ids. */
  addUnauthorizedDevices(count: number, now: number): Promise<number[]> {
    return this.store.exclusively(async () => {
      const ids: number[] = [];
      for (let i = 0; i < count; i++) {
        const id = await this.store.nextDeviceId();
        const { device, protocols } = this.generator(now).newUnauthorizedDevice(now, id);
        // Names are unique; a live device named after an address a removed one had gets its id appended.
        const taken = (await this.store.deviceIdByName(device.name)) !== undefined;
        await this.store.insertDevice(
          taken ? { ...device, name: `${device.name} (${id})` } : device,
          protocols,
        );
        ids.push(id);
      }
      return ids;
    });
  }

  /** One second of live mode: `count` new events, one recent event seen again, one device seen. */
  async tick(count: number, now: number): Promise<void> {
    if (count > 0) await this.addEvents(count, now);
    await this.store.exclusively(async () => {
      const generator = this.generator(now);
      const lastEvent = await this.store.events.maxId();
      if (lastEvent > 0) {
        const id = Math.max(1, lastEvent - this.rng.int(0, RECUR_WINDOW - 1));
        const event = await this.store.events.get(id);
        if (event !== undefined && event.status !== 'Resolved')
          await this.store.events.update(id, generator.recurEvent(event, now));
      }
      const lastDevice = await this.store.devices.maxId();
      if (lastDevice > 0) {
        const device = await this.store.devices.get(this.rng.int(1, lastDevice));
        if (device !== undefined) await this.store.updateDevice(generator.touchDevice(device, now));
      }
    });
    if (this.rng.chance(NEW_DEVICE_CHANCE)) await this.addUnauthorizedDevices(1, now);
  }
}
