import { GiB, MiB } from '../artifacts/quantity.js';

/** `840 MiB`; from 10 GiB up, `12.5 GiB`. */
export function mibText(bytes: number): string {
  if (Math.abs(bytes) >= 10 * GiB) return `${trim(bytes / GiB, 1)} GiB`;
  return `${Math.round(bytes / MiB)} MiB`;
}

/** `+140 MiB`, `-12 MiB`. */
export function signedMib(bytes: number): string {
  return `${bytes >= 0 ? '+' : '-'}${mibText(Math.abs(bytes))}`;
}

/** A share as a percentage with at most one decimal: `+20 %`, `-3.5 %`. */
export function signedPercent(share: number): string {
  const value = trim(share * 100, 1);
  return `${share >= 0 ? '+' : ''}${value} %`;
}

/** `12.5 %` of a rate (0..1). */
export function percentText(share: number): string {
  return `${trim(share * 100, 1)} %`;
}

/** A number with at most `digits` decimals, no trailing zeros. */
export function trim(value: number, digits: number): string {
  const factor = 10 ** digits;
  const rounded = Math.round(value * factor) / factor;
  return Object.is(rounded, -0) ? '0' : String(rounded);
}

/** `6 h`, `1 d 2 h`, `45 min`, `2 h 5 min`: the time between two collections. */
export function durationText(seconds: number): string {
  const negative = seconds < 0;
  let rest = Math.round(Math.abs(seconds) / 60);
  const days = Math.floor(rest / 1440);
  rest -= days * 1440;
  const hours = Math.floor(rest / 60);
  const minutes = rest - hours * 60;
  const parts = [days > 0 ? `${days} d` : '', hours > 0 ? `${hours} h` : '', minutes > 0 && days === 0 ? `${minutes} min` : ''].filter(Boolean);
  const text = parts.length > 0 ? parts.join(' ') : `${Math.round(Math.abs(seconds))} s`;
  return negative ? `-${text}` : text;
}
