import type { KscClass } from '../method.ts';
import { asyncActionStateCheckerClass } from './async-action-state-checker.ts';
import { chunkAccessorClass } from './chunk-accessor.ts';
import { eventProcessingClass, eventProcessingFactoryClass } from './event-processing.ts';
import { hostGroupClass } from './host-group.ts';
import { sessionClass } from './session.ts';

/** Every emulated KSC class. Adding a class is one file and one line here. */
export const KSC_CLASSES: readonly KscClass[] = [
  sessionClass,
  hostGroupClass,
  chunkAccessorClass,
  asyncActionStateCheckerClass,
  eventProcessingFactoryClass,
  eventProcessingClass,
];
