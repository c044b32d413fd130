import type { KlParams } from '../../../ksc/values.ts';
import { need } from '../auth/rights.ts';
import { canSeeDevices } from '../context.ts';
import { faults } from '../faults.ts';
import { hostExeFiles, instanceRecords } from '../inventory/exe-files.ts';
import { requireHost } from '../inventory/host-access.ts';
import { serverExeFiles } from '../inventory/views.ts';
import { defineClass } from '../method.ts';
import { project } from '../records.ts';

// Seed 001: Get Execution File needs Basic functionality: Read.
const READ = [need('basic', 'read')];

/** `AppCtrlApi`: Application Control data about executable files (spec §9). */
export const appCtrlApiClass = defineClass('AppCtrlApi', {
  GetExeFileInfo: {
    rights: READ,
    handler: (ctx, { szwHostId, lFileId, pFilter }) => {
      const fileId = Number(lFileId);
      let info: KlParams | undefined;
      // An absent or null szwHostId reads as empty.
      if (szwHostId === '') {
        // Documented: without a host only the file's common attributes come back.
        if (!canSeeDevices(ctx)) throw faults.accessDenied();
        info = serverExeFiles(ctx.world, ctx.vserverId).get(fileId);
      } else {
        const host = requireHost(ctx, szwHostId);
        const instance = hostExeFiles(ctx.world.seedValue, host).find((i) => i.fileId === fileId);
        if (instance !== undefined) info = instanceRecords(host, [instance])[0];
      }
      if (info === undefined) throw faults.notFound(`Execution file ${String(lFileId)} not found`);
      // Documented: pFilter names the fields wanted; empty or null (read as empty) means all of them.
      const fields = Object.keys(pFilter);
      return { PxgRetVal: fields.length === 0 ? info : project(info, fields) };
    },
  },
});
