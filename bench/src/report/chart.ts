import type { FanoutResult } from "../workloads/fanout.js";
import { formatRate } from "./format.js";

interface Series {
  readonly label: string;
  readonly color: string;
  readonly pick: (result: FanoutResult) => boolean;
}

const SERIES: readonly Series[] = [
  { label: "Pigeon, guests", color: "#2563eb", pick: (result) => result.server === "pigeon" && result.mode === "guest" },
  { label: "Pigeon, keyed members", color: "#7c3aed", pick: (result) => result.server === "pigeon" && result.mode === "keyed" },
  { label: "Pigeon, encrypted rooms", color: "#db2777", pick: (result) => result.server === "pigeon" && result.mode === "encrypted" },
  { label: "bare socket.io", color: "#f59e0b", pick: (result) => result.server === "socketio" },
  { label: "raw ws (ceiling)", color: "#9ca3af", pick: (result) => result.server === "rawws" },
];

// Wide enough for five series (guests, keyed, encrypted, bare, raw ws) and their legend.
const WIDTH = 860;
const HEIGHT = 380;
const MARGIN = { top: 56, right: 20, bottom: 64, left: 70 };
const GRID_LINES = 5;

/**
 * The README's chart: fan-out deliveries per server CPU-second by room size, one bar per
 * server (and Pigeon's keyed members), as a small hand-written SVG.
 *
 * @example
 * writeFileSync("results/fanout.svg", fanoutChart(report.fanout, "quick profile, 2025-01-01"));
 */
export function fanoutChart(results: readonly FanoutResult[], subtitle: string): string {
  const sizes = [...new Set(results.map((result) => result.roomSize))].sort((a, b) => a - b);
  const series = SERIES.filter((entry) => results.some(entry.pick));
  const value = (entry: Series, size: number) => results.find((result) => entry.pick(result) && result.roomSize === size)?.deliveriesPerCpuSecond;
  const max = niceCeiling(Math.max(1, ...results.map((result) => result.deliveriesPerCpuSecond)));
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const groupWidth = plotWidth / Math.max(1, sizes.length);
  const barWidth = (groupWidth * 0.8) / Math.max(1, series.length);
  const y = (amount: number) => MARGIN.top + plotHeight - (amount / max) * plotHeight;

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${String(WIDTH)}" height="${String(HEIGHT)}" viewBox="0 0 ${String(WIDTH)} ${String(HEIGHT)}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="${String(MARGIN.left)}" y="22" font-size="15" font-weight="600">Room fan-out: deliveries per server CPU-second (higher is better)</text>`,
    `<text x="${String(MARGIN.left)}" y="40" fill="#555">${escape(subtitle)}</text>`,
  ];
  for (let line = 0; line <= GRID_LINES; line += 1) {
    const amount = (max * line) / GRID_LINES;
    const at = y(amount).toFixed(1);
    parts.push(
      `<line x1="${String(MARGIN.left)}" x2="${String(WIDTH - MARGIN.right)}" y1="${at}" y2="${at}" stroke="#e5e7eb"/>`,
      `<text x="${String(MARGIN.left - 8)}" y="${at}" text-anchor="end" dominant-baseline="middle" fill="#555">${formatRate(amount)}</text>`,
    );
  }
  sizes.forEach((size, group) => {
    const groupStart = MARGIN.left + group * groupWidth + groupWidth * 0.1;
    series.forEach((entry, index) => {
      const amount = value(entry, size);
      if (amount === undefined) return;
      const x = groupStart + index * barWidth;
      const top = y(amount);
      parts.push(
        `<rect class="bar" x="${x.toFixed(1)}" y="${top.toFixed(1)}" width="${(barWidth - 3).toFixed(1)}" height="${(MARGIN.top + plotHeight - top).toFixed(1)}" fill="${entry.color}"><title>${escape(entry.label)}: ${formatRate(amount)}</title></rect>`,
        `<text x="${(x + (barWidth - 3) / 2).toFixed(1)}" y="${(top - 4).toFixed(1)}" text-anchor="middle" font-size="11">${formatRate(amount)}</text>`,
      );
    });
    parts.push(
      `<text x="${(MARGIN.left + group * groupWidth + groupWidth / 2).toFixed(1)}" y="${String(MARGIN.top + plotHeight + 18)}" text-anchor="middle">room of ${String(size)}</text>`,
    );
  });
  let legendX = MARGIN.left;
  const legendY = HEIGHT - 18;
  for (const entry of series) {
    parts.push(
      `<rect x="${String(legendX)}" y="${String(legendY - 10)}" width="12" height="12" fill="${entry.color}"/>`,
      `<text x="${String(legendX + 17)}" y="${String(legendY)}">${escape(entry.label)}</text>`,
    );
    legendX += 32 + entry.label.length * 7;
  }
  parts.push("</svg>");
  return `${parts.join("\n")}\n`;
}

/** The next 1, 2 or 5 times a power of ten at or above `value`. */
function niceCeiling(value: number): number {
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

function escape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
