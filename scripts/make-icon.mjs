#!/usr/bin/env node
// Draws the application icon (a green pharmacy cross on white, 256×256) and writes
// assets/icon.png. Uses only zlib, so the icon can be regenerated without an image library.
// Usage: node scripts/make-icon.mjs [output.png]

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const SIZE = 256;
const GREEN = [0x1a, 0x9e, 0x4b];
const WHITE = [0xff, 0xff, 0xff];
const BORDER = [0xd9, 0xe6, 0xdd];

/** @param {string} type @param {Buffer} data */
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** Inside the square lo..hi (both axes) with corners rounded to radius `r`. */
function inRoundedSquare(x, y, lo, hi, r) {
  if (x < lo || x > hi || y < lo || y > hi) return false;
  const cx = x < lo + r ? lo + r : x > hi - r ? hi - r : x;
  const cy = y < lo + r ? lo + r : y > hi - r ? hi - r : y;
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

/** RGBA for one pixel. Sampled 4×4 per pixel so the rounded edges are smooth. */
function pixel(px, py) {
  let cross = 0;
  let tile = 0;
  let inner = 0;
  for (let sy = 0; sy < 4; sy++) {
    for (let sx = 0; sx < 4; sx++) {
      const x = px + (sx + 0.5) / 4;
      const y = py + (sy + 0.5) / 4;
      if (inRoundedSquare(x, y, 8, 248, 40)) tile++;
      if (inRoundedSquare(x, y, 14, 242, 34)) inner++;
      const arm = 30; // half the width of each bar
      const reach = 88; // half the length of each bar
      const inV = Math.abs(x - 128) <= arm && Math.abs(y - 128) <= reach;
      const inH = Math.abs(y - 128) <= arm && Math.abs(x - 128) <= reach;
      if (inV || inH) cross++;
    }
  }
  if (tile === 0) return [0, 0, 0, 0];
  const alpha = Math.round((tile / 16) * 255);
  const base = inner === 16 ? WHITE : mix(BORDER, WHITE, inner / 16);
  const rgb = mix(GREEN, base, cross / 16);
  return [...rgb, alpha];
}

function mix(a, b, t) {
  return a.map((v, i) => Math.round(v * t + b[i] * (1 - t)));
}

export function renderIconPng() {
  const raw = Buffer.alloc((SIZE * 4 + 1) * SIZE);
  let o = 0;
  for (let y = 0; y < SIZE; y++) {
    raw[o++] = 0; // filter: none
    for (let x = 0; x < SIZE; x++) {
      for (const v of pixel(x, y)) raw[o++] = v;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(SIZE, 0);
  ihdr.writeUInt32BE(SIZE, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type: RGBA
  ihdr[10] = 0;
  ihdr[11] = 0;
  ihdr[12] = 0;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const here = path.dirname(fileURLToPath(import.meta.url));
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = process.argv[2] ?? path.join(here, '..', 'assets', 'icon.png');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, renderIconPng());
  console.log(`wrote ${out}`);
}
