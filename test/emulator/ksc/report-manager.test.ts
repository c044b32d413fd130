import { beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, type KscCaller, useKscEmulator } from '../../support/ksc-emulator.ts';

type Params = Record<string, unknown>;
type Query = Parameters<KscCaller['call']>[1];

/**
 * `ReportManager` over HTTP as the KSC Open API reference documents it: every `KLSTS_*` section and dashboard
 * entries of `RequestStatisticsData`, the report types and reports, and a report built and read in chunks.
 */
describe.each(BACKENDS)('KSC emulator ReportManager (%s)', (backend) => {
  const emu = useKscEmulator(backend, { hosts: 60, events: 400 });
  /** Hosts of the main server (the world shares its hosts with the virtual servers). */
  let hostCount: number;

  beforeAll(async () => {
    const found = await emu.admin.call('HostGroup.FindHosts', {
      wstrFilter: '',
      vecFieldsToReturn: ['KLHST_WKS_HOSTNAME'],
      vecFieldsToOrder: [],
      lMaxLifeTime: 60,
    });
    hostCount = (await emu.admin.chunkAll(found['strAccessor'] as string)).length;
  });

  async function statistics(query: NonNullable<Query>[string]): Promise<Params> {
    const { strRequestId } = await emu.admin.call('ReportManager.RequestStatisticsData', {
      pRequestParams: query,
    });
    const { pResultData } = await emu.admin.call('ReportManager.GetStatisticsData', {
      strRequestId: strRequestId as string,
    });
    return pResultData as Params;
  }

  it('answers every KLSTS section with a status, a reason mask and its counters', async () => {
    const sections = [
      'KLSTS_Administration',
      'KLSTS_Deployment',
      'KLSTS_Events',
      'KLSTS_FullScan',
      'KLSTS_Protection',
      'KLSTS_Updates',
    ];
    const data = await statistics(Object.fromEntries(sections.map((s) => [s, {}])));
    expect(Object.keys(data).sort()).toEqual(sections);
    for (const s of sections) {
      const section = data[s] as Params;
      expect(section['KLSTS_Par_Status']).toBeTypeOf('number');
      expect(section['KLSTS_Par_StatusReasonMask']).toBeTypeOf('number');
    }
    const adm = data['KLSTS_Administration'] as Params;
    expect(adm['KLSTS_Par_Adm_FoundHstCnt']).toBe(hostCount);
    const dpl = data['KLSTS_Deployment'] as Params;
    expect(dpl['KLSTS_Par_Dpl_HostsInGroups']).toBe(hostCount);
    expect(Number(dpl['KLSTS_Par_Dpl_HostsWithAVP'])).toBeLessThanOrEqual(hostCount);
    const prt = data['KLSTS_Protection'] as Params;
    expect((prt['KLSTS_Par_StatusReasonMask'] as number) & 1).toBe(
      Number(prt['KLSTS_Par_Prt_AvpNotRunningCnt']) > 0 ? 1 : 0,
    );
    // Deterministic by seed: asking again gives the same counters.
    expect((await statistics({ KLSTS_Protection: {} }))['KLSTS_Protection']).toEqual(prt);
  });

  it('answers dashboard entries with the data of their type', async () => {
    const data = await statistics({
      avp: { KLRPT_DSH_TYPE: 14 },
      viract: { KLRPT_DSH_TYPE: 2, KLPPT_StatPeriodInSec: 30 * 24 * 3600 },
      rtp: { KLRPT_DSH_TYPE: 18 },
      unknown: { KLRPT_DSH_TYPE: 21 },
    });
    const avp = data['avp'] as Params;
    expect(Number(avp['nCrtCount']) + Number(avp['nWrnCount']) + Number(avp['nOkCount'])).toBe(hostCount);
    expect((data['viract'] as Params)['DSHT_DATA']).toHaveLength(30);
    const rtp = (data['rtp'] as Params)['DSHT_DATA'] as Params[];
    expect(rtp.reduce((n, e) => n + Number(e['nCount']), 0)).toBe(hostCount);
    expect((data['unknown'] as Params)['DSHT_DATA']).toEqual([]);
  });

  it('lists report types and reports, default and common data', async () => {
    const types = (await emu.admin.call('ReportManager.EnumReportTypes', {}))['PxgRetVal'] as Params[];
    expect(types.length).toBeGreaterThan(0);
    const reports = (await emu.admin.call('ReportManager.EnumReports', {}))['PxgRetVal'] as Params[];
    expect(reports.map((r) => r['RPT_TYPE'])).toEqual(types.map((t) => t['RPT_TYPE']));
    const info = (
      await emu.admin.call('ReportManager.GetDefaultReportInfo', {
        lReportType: Number(types[0]!['RPT_TYPE']),
      })
    )['PxgRetVal'] as Params;
    expect(info['RPT_DN']).toBe(types[0]!['RPT_DN']);
    const common = (
      await emu.admin.call('ReportManager.GetReportCommonData', { lReportId: Number(reports[0]!['RPT_ID']) })
    )['PxgRetVal'] as Params;
    expect(common['RPT_ID']).toBe(reports[0]!['RPT_ID']);
  });

  it('builds a report and hands it out in chunks until nothing remains', async () => {
    for (const [target, marker] of [
      [0, '<report'],
      [1, '<html>'],
    ] as const) {
      const { strRequestId } = await emu.admin.call('ReportManager.ExecuteReportAsync', {
        lReportId: 1,
        pOptions: { KLRPT_TARGET_TYPE: target },
      });
      let text = '';
      for (;;) {
        const chunk = await emu.admin.call('ReportManager.ExecuteReportAsyncGetData', {
          strRequestId: strRequestId as string,
          nChunkSize: 1000,
        });
        text += Buffer.from(String(chunk['pXmlData']), 'base64').toString('utf8');
        if (chunk['nDataSizeRest'] === 0) break;
      }
      expect(text).toContain(marker);
      expect(text.match(target === 0 ? /<row>/g : /<tr><td>/g)).toHaveLength(hostCount);
    }
    const { strRequestId } = await emu.admin.call('ReportManager.ExecuteReportAsync', {
      lReportId: 2,
      pOptions: {},
    });
    expect(
      await emu.admin.call('ReportManager.ExecuteReportAsyncCancel', {
        strRequestId: strRequestId as string,
      }),
    ).toBeDefined();
  });
});
