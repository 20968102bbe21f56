/**
 * The report's traffic transforms on the committed zone fixture (web/test/fixture-zones.json: a
 * zone run and a tier run): when the cards show, the lines over time in percent, the cross-zone
 * points beside p99, spells as bands, and the caption sentence.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ResultsFile } from './types.js';
import { crossZonePoints, crossZoneVerdict, episodeBands, hasCrossZone, hasTraffic, shareLines, trafficSentence } from './traffic.js';

const [ZONES, TIERS] = JSON.parse(readFileSync(join(import.meta.dirname, '../test/fixture-zones.json'), 'utf8')) as [ResultsFile, ResultsFile];

describe('traffic transforms', () => {
  it('shows the traffic card for tiers and zones, the cross-zone card only for client zones', () => {
    expect(hasTraffic(ZONES.results)).toBe(true);
    expect(hasCrossZone(ZONES.results)).toBe(true);
    expect(hasTraffic(TIERS.results)).toBe(true);
    expect(hasCrossZone(TIERS.results)).toBe(false);
    expect(hasTraffic([{ ...ZONES.results[0]!, traffic: undefined }])).toBe(false);
  });

  it('draws each zone, tier and the cross-zone share in percent per window', () => {
    const rr = ZONES.results[0]!;
    const lines = shareLines(rr);
    expect(lines.map((l) => [l.label, l.kind])).toEqual([
      ['zone a', 'zone'],
      ['zone b', 'zone'],
      ['zone c', 'zone'],
      ['cross-zone', 'cross'],
    ]);
    expect(lines[1]!.data[3]).toEqual({ x: rr.timeseries.t[3], y: rr.traffic!.zones!.series[1]![3]! * 100 });
    expect(shareLines(TIERS.results[0]).map((l) => l.label)).toEqual(['priority 0', 'priority 1']);
  });

  it('places each strategy by cross-zone share and p99, and bands the spills', () => {
    const pts = crossZonePoints(ZONES.results);
    expect(pts.map((p) => p.strategy)).toEqual(['round-robin', 'least-connections', 'p2c']);
    ZONES.results.forEach((r, i) => {
      expect(pts[i]!.share).toBe(r.traffic!.crossZone!.share * 100);
      expect(pts[i]!.p99).toBe(r.latency.p99);
      expect(pts[i]!.cost).toBe(r.traffic!.crossZone!.costPerMillion);
    });
    const e = TIERS.results[0]!.traffic!.episodes[0]!;
    expect(episodeBands(TIERS.results[0])).toEqual([{ from: e.start, to: e.end, label: 'spill to priority 1' }]);
    expect(episodeBands(ZONES.results[0])).toEqual([]);
  });

  it('writes the caption and the verdict from the figures', () => {
    expect(trafficSentence(TIERS.results[0])).toMatch(/^round-robin: priority 0 88%, priority 1 12%; spill to priority 1 11\.4–20\.0 s\.$/);
    expect(trafficSentence(ZONES.results[0])).toContain('60% of attempts cross zones (0.0482 USD per million requests)');
    expect(crossZoneVerdict(ZONES.results)).toBe(
      'The strategy moves traffic across zones: least-connections sends 56% of attempts to another zone (0.0447 USD per million requests, p99 6.81 ms), ' +
        'round-robin 60% (0.0482 USD per million requests, p99 7.00 ms): 4 points apart.',
    );
    expect(crossZoneVerdict(TIERS.results)).toBeNull();
  });
});
