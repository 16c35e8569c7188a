// The HTML report opened in a real headless Chromium: the server-rendered charts must be there,
// visible, with one heatmap cell per chargepoint and day, and the page must need no network.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportCommand } from '../../src/analytics/command.js';
import { createContext } from '../../src/cli/context.js';
import { openDatabase } from '../../src/db/database.js';
import { silentLogger } from '../../src/log.js';
import { useTestDatabase } from '../helpers/database.js';
import { insertMarchNetwork, insertPasses } from './fixture.js';

const CHROMIUM = '/usr/bin/chromium';
const t = useTestDatabase('analytics-html');
const dir = mkdtempSync(join(tmpdir(), 'cs-html-'));
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: the HTML report test needs Chromium. Install it with "apt-get update && apt-get install -y chromium".`);
  }
  await insertPasses(t);
  await insertMarchNetwork(t);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('HTML uptime report', () => {
  it('renders the heatmap (chargepoints × days) and the histogram as visible SVG, offline', async () => {
    const file = join(dir, 'uptime.html');
    const ctx = { ...createContext({ DATABASE_URL: t.url, LOG_LEVEL: 'silent' }), logger: silentLogger, openDatabase: () => openDatabase({ databaseUrl: t.url }, silentLogger) };
    const code = await reportCommand(ctx, ['uptime', '--from', '2026-03-09', '--to', '2026-03-12', '--by', 'chargepoint', '--format', 'html', '--out', file]);
    expect(code).toBe(0);
    const html = readFileSync(file, 'utf8');
    // Self-contained: no scripts, no stylesheets or images from elsewhere.
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/(src|href)\s*=\s*["']?(https?:)?\/\//i);

    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    expect(requests.filter((u) => !u.startsWith('file:'))).toEqual([]);

    const charts = await page.evaluate(() =>
      ['#heatmap', '#histogram'].map((id) => {
        const svg = document.querySelector(`${id} svg`);
        const box = svg?.getBoundingClientRect();
        return { id, present: svg !== null, width: box?.width ?? 0, height: box?.height ?? 0 };
      }),
    );
    for (const c of charts) {
      expect(c.present, `${c.id} has an svg`).toBe(true);
      expect(c.width, `${c.id} width`).toBeGreaterThan(100);
      expect(c.height, `${c.id} height`).toBeGreaterThan(100);
    }

    // 4 chargepoints have history in the period (cp-A, cp-E, cp-U, cp-N), over 3 days.
    const cells = await page.evaluate(() =>
      [...document.querySelectorAll('#heatmap svg [ecmeta_series_index="0"]')].map((el) => {
        const box = (el as SVGGraphicsElement).getBBox();
        return { w: box.width, h: box.height, fill: el.getAttribute('fill') };
      }),
    );
    expect(cells).toHaveLength(4 * 3);
    for (const c of cells) {
      expect(c.w).toBeGreaterThan(0);
      expect(c.h).toBeGreaterThan(0);
      expect(c.fill).toMatch(/^#|^rgb/);
    }
    const figure = await page.$eval('#heatmap', (el) => [el.getAttribute('data-chargepoints'), el.getAttribute('data-days')]);
    expect(figure).toEqual(['4', '3']);

    // The histogram has one bar per non-empty uptime band; the table one row per chargepoint.
    const bars = await page.$$eval('#histogram svg [ecmeta_series_index="0"]', (els) => els.length);
    expect(bars).toBeGreaterThan(0);
    expect(await page.$$eval('#rows tbody tr', (els) => els.length)).toBe(4);
    expect(await page.title()).toBe('Uptime by chargepoint, 2026-03-09 – 2026-03-12');
    await page.close();
  });
});
