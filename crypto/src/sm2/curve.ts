/**
 * Arithmetic on the SM2 curve sm2p256v1 (GB/T 32918.5): y² = x³ + ax + b over F_p, a = p − 3.
 *
 * Plain BigInt, tuned for throughput:
 *  - points in Jacobian coordinates (X, Y, Z) ↔ affine (X/Z², Y/Z³), so additions need no inversion;
 *  - fixed-base scalar multiplication with precomputed tables of signed 8-bit windows
 *    (33 windows × 128 affine multiples): k·Q costs ≤ 33 mixed additions and no doublings.
 *    The generator's table is built once (~20 ms) for signing; verification builds one per public
 *    key it sees repeatedly (see sm2.ts), which makes verifying against the platform's key fast;
 *  - a width-5 wNAF double-and-add for one-off points.
 *
 * Timing: BigInt arithmetic is not constant-time. Signing adds a dummy addition for zero digits so
 * the number of group operations does not depend on the nonce, which is the usual mitigation in JS
 * (as in noble-curves); there is no stronger guarantee in this runtime.
 */

export const P = 0xfffffffeffffffffffffffffffffffffffffffff00000000ffffffffffffffffn;
export const A = 0xfffffffeffffffffffffffffffffffffffffffff00000000fffffffffffffffcn;
export const B = 0x28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93n;
export const N = 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n;
export const GX = 0x32c4ae2c1f1981195f9904466a39c9948fe30bbff2660be1715a4589334c74c7n;
export const GY = 0xbc3736a2f4f6779c59bdcee36b692153d0a9877cc62a474002df32e52139f0a0n;

/** Affine point; the point at infinity is never represented in affine form here. */
export interface Affine {
  x: bigint;
  y: bigint;
}
/** Jacobian point; Z = 0 is the point at infinity. */
export type Jac = [x: bigint, y: bigint, z: bigint];

export const INFINITY: Jac = [1n, 1n, 0n];

/** Modular inverse (extended Euclid); `a` must be non-zero mod m. */
export function invert(a: bigint, m: bigint): bigint {
  let low = a % m;
  if (low < 0n) low += m;
  if (low === 0n) throw new RangeError('invert: zero has no inverse');
  let high = m;
  let lm = 1n;
  let hm = 0n;
  while (low > 1n) {
    const q = high / low;
    const nm = hm - lm * q;
    const nw = high - low * q;
    hm = lm;
    high = low;
    lm = nm;
    low = nw;
  }
  return lm < 0n ? lm + m : lm;
}

export function modN(a: bigint): bigint {
  const r = a % N;
  return r < 0n ? r + N : r;
}

/** True if (x, y) is a point on the curve with coordinates in [0, p). */
export function isOnCurve(x: bigint, y: bigint): boolean {
  if (x < 0n || x >= P || y < 0n || y >= P) return false;
  const lhs = (y * y) % P;
  const rhs = (((x * x) % P) * x + A * x + B) % P;
  return lhs === rhs;
}

/** Square root mod p (p ≡ 3 mod 4), or null if `v` is not a square. */
export function sqrtModP(v: bigint): bigint | null {
  let r = 1n;
  let base = v % P;
  let e = (P + 1n) >> 2n;
  while (e > 0n) {
    if (e & 1n) r = (r * base) % P;
    base = (base * base) % P;
    e >>= 1n;
  }
  return (r * r) % P === v % P ? r : null;
}

/** Point doubling, a = −3 (dbl-2001-b). */
export function dbl(p: Jac): Jac {
  const [x1, y1, z1] = p;
  if (z1 === 0n || y1 === 0n) return INFINITY;
  const delta = (z1 * z1) % P;
  const gamma = (y1 * y1) % P;
  const beta = (x1 * gamma) % P;
  let t1 = x1 - delta;
  if (t1 < 0n) t1 += P;
  const alpha = (3n * ((t1 * (x1 + delta)) % P)) % P;
  let x3 = (alpha * alpha - 8n * beta) % P;
  if (x3 < 0n) x3 += P;
  let z3 = ((y1 + z1) * (y1 + z1) - gamma - delta) % P;
  if (z3 < 0n) z3 += P;
  let y3 = (alpha * (4n * beta - x3) - 8n * ((gamma * gamma) % P)) % P;
  if (y3 < 0n) y3 += P;
  return [x3, y3, z3];
}

/** Mixed addition: Jacobian p + affine (x2, y2). Handles p = ∞, p = ±q. */
export function addMixed(p: Jac, x2: bigint, y2: bigint): Jac {
  const [x1, y1, z1] = p;
  if (z1 === 0n) return [x2, y2, 1n];
  const z1z1 = (z1 * z1) % P;
  const u2 = (x2 * z1z1) % P;
  const s2 = (((y2 * z1) % P) * z1z1) % P;
  let h = u2 - x1;
  if (h < 0n) h += P;
  let r = s2 - y1;
  if (r < 0n) r += P;
  if (h === 0n) return r === 0n ? dbl([x2, y2, 1n]) : INFINITY;
  const hh = (h * h) % P;
  const hhh = (h * hh) % P;
  const v = (x1 * hh) % P;
  let x3 = (r * r - hhh - 2n * v) % P;
  if (x3 < 0n) x3 += P;
  let t = v - x3;
  if (t < 0n) t += P;
  let y3 = (r * t - y1 * hhh) % P;
  if (y3 < 0n) y3 += P;
  const z3 = (z1 * h) % P;
  return [x3, y3, z3];
}

/** Full Jacobian addition (add-2007-bl without the 2·Z trick). Handles ∞ and p = ±q. */
export function add(p: Jac, q: Jac): Jac {
  const [x1, y1, z1] = p;
  const [x2, y2, z2] = q;
  if (z1 === 0n) return q;
  if (z2 === 0n) return p;
  const z1z1 = (z1 * z1) % P;
  const z2z2 = (z2 * z2) % P;
  const u1 = (x1 * z2z2) % P;
  const u2 = (x2 * z1z1) % P;
  const s1 = (((y1 * z2) % P) * z2z2) % P;
  const s2 = (((y2 * z1) % P) * z1z1) % P;
  let h = u2 - u1;
  if (h < 0n) h += P;
  let r = s2 - s1;
  if (r < 0n) r += P;
  if (h === 0n) return r === 0n ? dbl(p) : INFINITY;
  const hh = (h * h) % P;
  const hhh = (h * hh) % P;
  const v = (u1 * hh) % P;
  let x3 = (r * r - hhh - 2n * v) % P;
  if (x3 < 0n) x3 += P;
  let t = v - x3;
  if (t < 0n) t += P;
  let y3 = (r * t - s1 * hhh) % P;
  if (y3 < 0n) y3 += P;
  const z3 = (((z1 * z2) % P) * h) % P;
  return [x3, y3, z3];
}

export function neg(p: Jac): Jac {
  return [p[0], p[1] === 0n ? 0n : P - p[1], p[2]];
}

export function toAffine(p: Jac): Affine | null {
  if (p[2] === 0n) return null;
  const zi = invert(p[2], P);
  const zi2 = (zi * zi) % P;
  return { x: (p[0] * zi2) % P, y: (((p[1] * zi2) % P) * zi) % P };
}

/** Affine forms of many Jacobian points with one inversion (Montgomery's trick). None may be ∞. */
export function batchToAffine(points: Jac[]): { xs: bigint[]; ys: bigint[] } {
  const n = points.length;
  const prefix: bigint[] = new Array<bigint>(n);
  let acc = 1n;
  for (let i = 0; i < n; i++) {
    prefix[i] = acc;
    acc = (acc * points[i]![2]) % P;
  }
  let inv = invert(acc, P);
  const xs: bigint[] = new Array<bigint>(n);
  const ys: bigint[] = new Array<bigint>(n);
  for (let i = n - 1; i >= 0; i--) {
    const pt = points[i]!;
    const zi = (inv * prefix[i]!) % P;
    inv = (inv * pt[2]) % P;
    const zi2 = (zi * zi) % P;
    xs[i] = (pt[0] * zi2) % P;
    ys[i] = (((pt[1] * zi2) % P) * zi) % P;
  }
  return { xs, ys };
}

// ───────────────────────────── fixed-base tables ─────────────────────────────

const W = 8; // window width in bits
const HALF = 1 << (W - 1); // 128: signed digits lie in [−128, 128]
const WINDOWS = Math.ceil(256 / W) + 1; // 33: one extra for the final carry
const MASK = BigInt((1 << W) - 1);
const WB = BigInt(W);

/**
 * Precomputed multiples of a fixed point Q: entry (i, j) = j · 2^(8i) · Q for j = 1..128, affine,
 * stored flat in two arrays (index i·128 + j − 1).
 */
export interface FixedTable {
  xs: bigint[];
  ys: bigint[];
}

export function buildTable(q: Affine): FixedTable {
  const pts: Jac[] = [];
  let base: Affine = q;
  for (let i = 0; i < WINDOWS; i++) {
    let acc: Jac = [base.x, base.y, 1n];
    pts.push(acc);
    for (let j = 2; j <= HALF; j++) {
      acc = addMixed(acc, base.x, base.y);
      pts.push(acc);
    }
    if (i + 1 < WINDOWS) {
      const next = toAffine(dbl(acc)); // 256 · base
      if (!next) throw new Error('buildTable: point of small order');
      base = next;
    }
  }
  return batchToAffine(pts);
}

/** Signed base-256 digits of k (k < 2^256), least significant first, each in [−128, 128]. */
export function recode(k: bigint): Int16Array {
  const digits = new Int16Array(WINDOWS);
  let carry = 0;
  for (let i = 0; i < WINDOWS; i++) {
    let d = Number(k & MASK) + carry;
    k >>= WB;
    if (d > HALF) {
      d -= 1 << W;
      carry = 1;
    } else {
      carry = 0;
    }
    digits[i] = d;
  }
  return digits;
}

/** acc + Σ d_i · 2^(8i) · Q using the table; `dummy` keeps the operation count fixed (signing). */
function accumulate(acc: Jac, t: FixedTable, digits: Int16Array, dummy: boolean): Jac {
  let sink: Jac = INFINITY;
  for (let i = 0; i < WINDOWS; i++) {
    const d = digits[i]!;
    if (d === 0) {
      if (dummy) sink = addMixed(sink, t.xs[i * HALF]!, t.ys[i * HALF]!);
      continue;
    }
    const idx = i * HALF + (d < 0 ? -d : d) - 1;
    const y = t.ys[idx]!;
    acc = addMixed(acc, t.xs[idx]!, d < 0 ? P - y : y);
  }
  void sink;
  return acc;
}

/** k · Q with Q's table (k in [0, n)). */
export function mulFixed(t: FixedTable, k: bigint, constantOps = false): Jac {
  return accumulate(INFINITY, t, recode(k), constantOps);
}

/** a · Q1 + b · Q2 with both tables. */
export function mulFixed2(t1: FixedTable, a: bigint, t2: FixedTable, b: bigint): Jac {
  return accumulate(accumulate(INFINITY, t1, recode(a), false), t2, recode(b), false);
}

// ───────────────────────────── variable base ─────────────────────────────

/** Width-5 NAF of k, least significant first. */
function wnaf(k: bigint): Int8Array {
  const out = new Int8Array(258);
  let i = 0;
  while (k > 0n) {
    if (k & 1n) {
      let d = Number(k & 31n);
      if (d >= 16) d -= 32;
      k -= BigInt(d);
      out[i] = d;
    }
    k >>= 1n;
    i++;
  }
  return out.subarray(0, i);
}

/** k · Q for an arbitrary point (no table): wNAF double-and-add. */
export function mulVar(q: Affine, k: bigint): Jac {
  if (k === 0n) return INFINITY;
  // Odd multiples Q, 3Q, …, 15Q in affine form.
  const q2 = dbl([q.x, q.y, 1n]);
  const odd: Jac[] = [[q.x, q.y, 1n]];
  for (let i = 1; i < 8; i++) odd.push(add(odd[i - 1]!, q2));
  if (odd.some((p) => p[2] === 0n)) throw new Error('mulVar: point of small order');
  const { xs, ys } = batchToAffine(odd);
  const naf = wnaf(k);
  let acc: Jac = INFINITY;
  for (let i = naf.length - 1; i >= 0; i--) {
    acc = dbl(acc);
    const d = naf[i]!;
    if (d > 0) acc = addMixed(acc, xs[(d - 1) >> 1]!, ys[(d - 1) >> 1]!);
    else if (d < 0) acc = addMixed(acc, xs[(-d - 1) >> 1]!, P - ys[(-d - 1) >> 1]!);
  }
  return acc;
}

let gTable: FixedTable | null = null;
/** The generator's table, built on first use. */
export function generatorTable(): FixedTable {
  if (!gTable) gTable = buildTable({ x: GX, y: GY });
  return gTable;
}
