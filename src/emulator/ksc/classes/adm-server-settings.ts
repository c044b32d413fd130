import { need } from '../auth/rights.ts';
import { defineClass } from '../method.ts';

const READ = [need('basic', 'read')];

/**
 * `AdmServerSettings`. GetSharedFolder — coverage: full. The world's server has no file system; its shared folder
 * is the installation default `KLSHARE` on the server's host, named after the virtual server (decisions/0062).
 */
export const admServerSettingsClass = defineClass('AdmServerSettings', {
  GetSharedFolder: {
    rights: READ,
    handler: (ctx) => {
      const vserver = ctx.world.vservers.get(ctx.vserverId);
      const host = ctx.vserverId === 0 || vserver === undefined ? 'ksc' : `ksc-${vserver.name}`;
      return { PxgRetVal: `\\\\${host}\\KLSHARE\\` };
    },
  },
});
