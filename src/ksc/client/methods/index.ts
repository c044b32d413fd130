/**
 * The client's typed method map is the KSC method catalogue of the wire layer (`src/ksc/methods/`), which the
 * emulator reads too. This module keeps the map's former import path working.
 */
export * from '../../methods/index.ts';
