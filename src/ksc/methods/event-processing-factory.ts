import { z } from 'zod';
import { arg, kscMethod, out } from './schema.ts';

const resultSet = {
  vecFieldsToReturn: arg.strings().optional(),
  vecFieldsToOrder: arg.order().optional(),
  lifetimeSec: arg.int().optional(),
};
const forHost = {
  strHostName: arg.string(),
  strProduct: arg.string().optional(),
  strVersion: arg.string().optional(),
};

/** `EventProcessingFactory`: event result sets, server-wide or for one host. */
export const eventProcessingFactoryMethods = {
  /** Opens a result set of all events. */
  'EventProcessingFactory.CreateEventProcessing': kscMethod({
    args: z.strictObject(resultSet),
    reply: z.looseObject({ strIteratorId: out.string() }),
  }),
  /** Opens a result set of the events matching `pFilter` (empty: all events). */
  'EventProcessingFactory.CreateEventProcessing2': kscMethod({
    args: z.strictObject({ ...resultSet, pFilter: arg.params().optional() }),
    reply: z.looseObject({ strIteratorId: out.string() }),
  }),
  /** Opens a result set of one host's events, optionally of one product and version. */
  'EventProcessingFactory.CreateEventProcessingForHost': kscMethod({
    args: z.strictObject({ ...resultSet, ...forHost }),
    reply: z.looseObject({ strIteratorId: out.string() }),
  }),
  /** Opens a result set of one host's events matching `pFilter`. */
  'EventProcessingFactory.CreateEventProcessingForHost2': kscMethod({
    args: z.strictObject({ ...resultSet, ...forHost, pFilter: arg.params().optional() }),
    reply: z.looseObject({ strIteratorId: out.string() }),
  }),
} as const;
