/** Kubernetes resource quantities (`187m`, `275Mi`, `2Gi`, `1.5`, `128974848`, `129M`). */
const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };
const QUANTITY = /^([+-]?\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$/;

/** The quantity's value in base units (bytes for memory, cores for CPU), or undefined. */
export function parseQuantity(text: string | number): number | undefined {
  if (typeof text === 'number') return text;
  const m = QUANTITY.exec(text.trim());
  if (!m) return undefined;
  const suffix = m[2] ?? '';
  return Number(m[1]) * (BINARY[suffix] ?? DECIMAL[suffix] ?? 1);
}

export const GiB = 2 ** 30;
export const MiB = 2 ** 20;
export const KiB = 2 ** 10;
