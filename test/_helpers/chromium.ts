/**
 * Headless Chromium (the Debian package) for tests of what curvectl renders as HTML: a screenshot
 * decoded with pngjs, and the DOM as the browser built it (--dump-dom). Loopback only: the page is
 * a local file, and every background fetch Chromium would make is switched off.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { PNG } from 'pngjs';

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--hide-scrollbars',
];

function run(binary: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(binary, args, { timeout: 120_000, maxBuffer: 32 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${binary} failed: ${err.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

export interface Rendered {
  readonly dom: string;
  readonly png: PNG;
}

/** Loads the file in a fresh profile, returns the DOM and a screenshot of a width x height window. */
export async function renderInChromium(file: string, options: { width?: number; height?: number } = {}): Promise<Rendered> {
  const binary = process.env.CURVECTL_CHROMIUM ?? 'chromium';
  const dir = await mkdtemp(path.join(os.tmpdir(), 'curvectl-chromium-'));
  try {
    const url = pathToFileURL(file).href;
    const size = `--window-size=${options.width ?? 1000},${options.height ?? 1600}`;
    const shot = path.join(dir, 'shot.png');
    const dom = await run(binary, [...FLAGS, `--user-data-dir=${path.join(dir, 'dom-profile')}`, '--dump-dom', url]);
    await run(binary, [...FLAGS, `--user-data-dir=${path.join(dir, 'shot-profile')}`, size, `--screenshot=${shot}`, url]);
    return { dom, png: PNG.sync.read(await readFile(shot)) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Pixels within `tolerance` (per channel) of the colour "#rrggbb", and the box around them. */
export function pixelsOfColour(png: PNG, hex: string, tolerance = 40): { count: number; minX: number; maxX: number; minY: number; maxY: number } {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
  let count = 0;
  let minX = Infinity;
  let maxX = -Infinity;
  let minY = Infinity;
  let maxY = -Infinity;
  for (let y = 0; y < png.height; y += 1) {
    for (let x = 0; x < png.width; x += 1) {
      const i = (y * png.width + x) * 4;
      if (Math.abs(png.data[i]! - r) <= tolerance && Math.abs(png.data[i + 1]! - g) <= tolerance && Math.abs(png.data[i + 2]! - b) <= tolerance) {
        count += 1;
        minX = Math.min(minX, x);
        maxX = Math.max(maxX, x);
        minY = Math.min(minY, y);
        maxY = Math.max(maxY, y);
      }
    }
  }
  return { count, minX, maxX, minY, maxY };
}

/** Pixels that are not (near) white inside a rectangle. */
export function nonBlankPixels(png: PNG, box: { x0: number; y0: number; x1: number; y1: number }): number {
  let count = 0;
  for (let y = Math.max(0, box.y0); y < Math.min(png.height, box.y1); y += 1) {
    for (let x = Math.max(0, box.x0); x < Math.min(png.width, box.x1); x += 1) {
      const i = (y * png.width + x) * 4;
      if (png.data[i]! < 235 || png.data[i + 1]! < 235 || png.data[i + 2]! < 235) count += 1;
    }
  }
  return count;
}
