/**
 * Generates prisma/src/seed/data/selfServiceItems.json from seed 002 (the catalog text) and
 * overlay.ts, validating every item against the contract's SelfServiceItemSchema. The output is
 * checked in; the database seed reads it (no access to the seed file at run time).
 *
 *   npx tsx prisma/src/seed/selfService/generate.ts [path/to/002_….txt]   # default: ../shared/seeds or /work/shared/seeds
 *   npx tsx prisma/src/seed/selfService/generate.ts --check               # exit 1 when the checked-in file is stale
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SelfServiceItemSchema, type MaterialSpecInput, type SelfServiceItem } from '@ih/contract';
import diseases from '../data/diseases.json';
import { OVERLAY } from './overlay';
import { parseCatalog, parseTimeLimit, type CatalogRow } from './parse';

export const ITEMS_FILE = resolve(__dirname, '..', 'data', 'selfServiceItems.json');
const SEED_NAME = '002_b501c111c28537f9.txt';

export function findSeedFile(): string | null {
  const candidates = [
    resolve(__dirname, '..', '..', '..', '..', '..', 'shared', 'seeds', SEED_NAME),
    resolve(__dirname, '..', '..', '..', '..', 'shared', 'seeds', SEED_NAME),
    `/work/shared/seeds/${SEED_NAME}`,
  ];
  return candidates.find((c) => existsSync(c)) ?? null;
}

function buildItem(row: CatalogRow): SelfServiceItem {
  const o = OVERLAY[row.seq];
  if (!o) throw new Error(`overlay missing for catalog item ${row.seq} ${row.name}`);
  const drop = new Set(o.dropMaterials ?? []);
  const materials: MaterialSpecInput[] = row.materials
    .map((name, i): MaterialSpecInput => {
      const code = `m${i + 1}`;
      // The catalog's "…或个人承诺书" wording is the promise option of the overlay, not part of the name.
      return { code, name, required: true, ...(o.materials?.[code] ?? {}) };
    })
    .filter((m) => !drop.has(m.code));
  materials.push(...(o.extraMaterials ?? []));
  let form = o.form ?? [];
  if (o.diseaseOptions) {
    const { categories, codes } = o.diseaseOptions;
    const options = (diseases as { code: string; name: string; category: string }[])
      .filter((d) => (categories ? categories.includes(d.category) : true) && (codes ? codes.includes(d.code) : true))
      .map((d) => ({ value: d.code, label: d.name }));
    if (codes && options.length !== codes.length) throw new Error(`item ${row.seq}: disease codes missing from diseases.json`);
    form = form.map((f) => (f.type === 'disease' ? { ...f, options } : f));
  }
  const item = {
    code: o.code,
    seq: row.seq,
    mainItem: row.mainItem,
    mainCode: row.mainCode,
    subItem: row.subItem,
    subCode: row.subCode,
    name: row.name,
    title: o.title,
    category: o.category,
    audience: o.audience,
    mode: o.mode,
    materials,
    timeLimit: parseTimeLimit(row.timeLimitText || '以经办机构办理时限为准'),
    steps: row.steps,
    notes: o.notes === 'own' ? row.ownNotes : row.notes,
    basis: row.basis,
    form,
    rules: o.rules ?? [],
    ...(o.offline ? { offline: o.offline } : {}),
    ...(o.guide ? { guide: o.guide } : {}),
    ...(o.queryPage ? { queryPage: o.queryPage } : {}),
    ...(o.filingKind ? { filingKind: o.filingKind } : {}),
    ...(o.applicantLabel ? { applicantLabel: o.applicantLabel } : {}),
    recognizesDisease: o.recognizesDisease ?? false,
    sort: o.sort ?? 100 + row.seq,
    enabled: true,
  };
  const parsed = SelfServiceItemSchema.safeParse(item);
  if (!parsed.success) throw new Error(`item ${row.seq} ${row.name}: ${parsed.error.message}`);
  const v = parsed.data;
  if (v.mode === 'online' && v.form.length === 0) throw new Error(`item ${row.seq}: online without a form`);
  if ((v.mode === 'offline' || v.mode === 'guide') && !v.offline) throw new Error(`item ${row.seq}: offline without where to go`);
  for (const f of v.form) {
    if (f.showIf && !v.form.some((g) => g.key === f.showIf!.field)) throw new Error(`item ${row.seq}: ${f.key}.showIf names an unknown field`);
  }
  return v;
}

export function generateItems(seedText: string): SelfServiceItem[] {
  const rows = parseCatalog(seedText);
  if (rows.length !== 55) throw new Error(`expected 55 catalog items in seed 002, parsed ${rows.length}`);
  const items = rows.map(buildItem);
  const codes = new Set(items.map((i) => i.code));
  if (codes.size !== items.length) throw new Error('duplicate item codes in overlay');
  return items;
}

export function serialize(items: SelfServiceItem[]): string {
  return `${JSON.stringify(items, null, 2)}\n`;
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const check = args.includes('--check');
  const path = args.find((a) => !a.startsWith('--')) ?? findSeedFile();
  if (!path) {
    console.error(`seed 002 (${SEED_NAME}) not found; pass its path`);
    process.exit(2);
  }
  const out = serialize(generateItems(readFileSync(path, 'utf8')));
  if (check) {
    const current = existsSync(ITEMS_FILE) ? readFileSync(ITEMS_FILE, 'utf8') : '';
    if (current !== out) {
      console.error(`${ITEMS_FILE} is stale: run npx tsx prisma/src/seed/selfService/generate.ts`);
      process.exit(1);
    }
    console.log('selfServiceItems.json is up to date');
  } else {
    writeFileSync(ITEMS_FILE, out);
    console.log(`wrote ${ITEMS_FILE}`);
  }
}
