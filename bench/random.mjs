// Deterministic pseudo-random data for the bench generators (xorshift32): the same seed, the same bundle.

/** Returns `{ rnd, int, hex, uuid }` drawing from one xorshift32 stream seeded with `seedValue`. */
export function randomSource(seedValue) {
  let seed = seedValue >>> 0 || 1;
  const rnd = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 4294967296;
  };
  const int = (lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1));
  const hex = (len) => {
    let s = '';
    for (let i = 0; i < len; i++) s += '0123456789abcdef'[Math.floor(rnd() * 16)];
    return s;
  };
  const uuid = () => `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;
  return { rnd, int, hex, uuid };
}
