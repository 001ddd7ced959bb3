/**
 * Compares two relational models (`from` = the database as it is, `to` = what the schema wants)
 * and returns every difference twice over: as a plain-language sentence (drift check) and as the
 * Prisma-style migration steps that would remove it (migration authoring, scripts/diff.ts).
 */
import {
  describeColumn,
  describeForeignKey,
  describeIndexColumns,
  enumValues,
  type ColumnDef,
  type ForeignKeyDef,
  type IndexDef,
  type SchemaDef,
  type TableDef,
} from './model';
import {
  clause,
  renderAddForeignKey,
  renderAlterTable,
  renderCreateIndex,
  renderCreateTable,
  renderDropForeignKey,
  renderDropIndex,
  renderDropTable,
  renderScript,
  type Step,
} from './render';

export interface Difference {
  kind:
    | 'table-missing'
    | 'table-extra'
    | 'table-engine'
    | 'column-missing'
    | 'column-extra'
    | 'column-changed'
    | 'primary-key'
    | 'index-missing'
    | 'index-extra'
    | 'index-changed'
    | 'fk-missing'
    | 'fk-extra'
    | 'fk-changed';
  table: string;
  /** Column, index or foreign key name when the difference is about one. */
  object?: string;
  message: string;
}

const sameIndexColumns = (a: IndexDef['columns'], b: IndexDef['columns']): boolean =>
  a.length === b.length && a.every((c, i) => c.name === b[i]!.name && (c.length ?? 0) === (b[i]!.length ?? 0) && (c.sort ?? 'ASC') === (b[i]!.sort ?? 'ASC'));

const sameFk = (a: ForeignKeyDef, b: ForeignKeyDef): boolean =>
  a.referencedTable === b.referencedTable &&
  a.columns.join() === b.columns.join() &&
  a.referencedColumns.join() === b.referencedColumns.join() &&
  a.onDelete === b.onDelete &&
  a.onUpdate === b.onUpdate;

const indexLabel = (i: IndexDef): string => (i.kind === 'unique' ? 'Unique key' : i.kind === 'fulltext' ? 'Fulltext index' : 'Index');

function columnChanges(want: ColumnDef, have: ColumnDef): string[] {
  const out: string[] = [];
  if (want.type !== have.type) {
    const we = enumValues(want.type);
    const he = enumValues(have.type);
    if (we && he) {
      const missing = we.filter((v) => !he.includes(v));
      const extra = he.filter((v) => !we.includes(v));
      const parts = [];
      if (missing.length) parts.push(`missing in the database: ${missing.join(', ')}`);
      if (extra.length) parts.push(`not in the schema: ${extra.join(', ')}`);
      if (!missing.length && !extra.length) parts.push(`order differs (schema ${we.join(', ')}; database ${he.join(', ')})`);
      out.push(`enum values differ (${parts.join('; ')})`);
    } else {
      out.push(`type differs: schema ${want.type}, database ${have.type}`);
    }
  }
  if (want.notNull !== have.notNull) out.push(`nullability differs: schema ${want.notNull ? 'NOT NULL' : 'NULL'}, database ${have.notNull ? 'NOT NULL' : 'NULL'}`);
  if ((want.default ?? null) !== (have.default ?? null)) out.push(`default differs: schema ${want.default ?? '(none)'}, database ${have.default ?? '(none)'}`);
  if (want.autoIncrement !== have.autoIncrement) out.push(`AUTO_INCREMENT differs: schema ${want.autoIncrement ? 'yes' : 'no'}, database ${have.autoIncrement ? 'yes' : 'no'}`);
  return out;
}

export interface CompareOptions {
  /** Indexes InnoDB created implicitly for a foreign key carry the FK's name; ignore those. */
  ignoreImplicitFkIndexes?: boolean;
  /** Compare table engines (expected InnoDB). Only meaningful when `from` is introspected. */
  checkEngine?: boolean;
}

/** Differences that turn `have` (database) into `want` (schema), in plain words. */
export function compareSchemas(want: SchemaDef, have: SchemaDef, opts: CompareOptions = {}): Difference[] {
  const diffs: Difference[] = [];
  const haveTables = new Map(have.tables.map((t) => [t.name, t]));
  const wantTables = new Map(want.tables.map((t) => [t.name, t]));

  for (const w of want.tables) {
    const h = haveTables.get(w.name);
    if (!h) {
      diffs.push({ kind: 'table-missing', table: w.name, message: `Table \`${w.name}\` is in the schema but missing from the database.` });
      continue;
    }
    if (opts.checkEngine && h.engine && h.engine.toLowerCase() !== 'innodb') {
      diffs.push({ kind: 'table-engine', table: w.name, message: `Table \`${w.name}\` uses the ${h.engine} engine; InnoDB is required.` });
    }
    const hCols = new Map(h.columns.map((c) => [c.name, c]));
    const wCols = new Map(w.columns.map((c) => [c.name, c]));
    for (const wc of w.columns) {
      const hc = hCols.get(wc.name);
      if (!hc) {
        diffs.push({ kind: 'column-missing', table: w.name, object: wc.name, message: `Column \`${w.name}\`.\`${wc.name}\` is in the schema (${describeColumn(wc)}) but missing from the database.` });
        continue;
      }
      for (const change of columnChanges(wc, hc)) {
        diffs.push({ kind: 'column-changed', table: w.name, object: wc.name, message: `Column \`${w.name}\`.\`${wc.name}\`: ${change}.` });
      }
    }
    for (const hc of h.columns) {
      if (!wCols.has(hc.name)) {
        diffs.push({ kind: 'column-extra', table: w.name, object: hc.name, message: `Column \`${w.name}\`.\`${hc.name}\` (${describeColumn(hc)}) exists in the database but not in the schema.` });
      }
    }

    if (!sameIndexColumns(w.primaryKey, h.primaryKey)) {
      diffs.push({ kind: 'primary-key', table: w.name, message: `Primary key of \`${w.name}\` differs: schema ${describeIndexColumns(w.primaryKey)}, database ${h.primaryKey.length ? describeIndexColumns(h.primaryKey) : '(none)'}.` });
    }

    const hIdx = new Map(h.indexes.map((i) => [i.name, i]));
    const wIdx = new Map(w.indexes.map((i) => [i.name, i]));
    const fkNames = new Set(h.foreignKeys.map((f) => f.name));
    for (const wi of w.indexes) {
      const hi = hIdx.get(wi.name);
      if (!hi) {
        diffs.push({ kind: 'index-missing', table: w.name, object: wi.name, message: `${indexLabel(wi)} \`${wi.name}\` on \`${w.name}\`${describeIndexColumns(wi.columns)} is in the schema but missing from the database.` });
      } else if (hi.kind !== wi.kind || !sameIndexColumns(wi.columns, hi.columns)) {
        diffs.push({
          kind: 'index-changed',
          table: w.name,
          object: wi.name,
          message: `Index \`${wi.name}\` on \`${w.name}\` differs: schema ${wi.kind} ${describeIndexColumns(wi.columns)}, database ${hi.kind} ${describeIndexColumns(hi.columns)}.`,
        });
      }
    }
    for (const hi of h.indexes) {
      if (wIdx.has(hi.name)) continue;
      if (opts.ignoreImplicitFkIndexes && fkNames.has(hi.name)) continue;
      diffs.push({ kind: 'index-extra', table: w.name, object: hi.name, message: `${indexLabel(hi)} \`${hi.name}\` on \`${w.name}\`${describeIndexColumns(hi.columns)} exists in the database but not in the schema.` });
    }

    const hFk = new Map(h.foreignKeys.map((f) => [f.name, f]));
    const wFk = new Map(w.foreignKeys.map((f) => [f.name, f]));
    for (const wf of w.foreignKeys) {
      const hf = hFk.get(wf.name);
      if (!hf) {
        diffs.push({ kind: 'fk-missing', table: w.name, object: wf.name, message: `Foreign key \`${wf.name}\` (${describeForeignKey(wf, w.name)}) is in the schema but missing from the database.` });
      } else if (!sameFk(wf, hf)) {
        diffs.push({ kind: 'fk-changed', table: w.name, object: wf.name, message: `Foreign key \`${wf.name}\` differs: schema ${describeForeignKey(wf, w.name)}, database ${describeForeignKey(hf, w.name)}.` });
      }
    }
    for (const hf of h.foreignKeys) {
      if (!wFk.has(hf.name)) {
        diffs.push({ kind: 'fk-extra', table: w.name, object: hf.name, message: `Foreign key \`${hf.name}\` (${describeForeignKey(hf, w.name)}) exists in the database but not in the schema.` });
      }
    }
  }
  for (const h of have.tables) {
    if (!wantTables.has(h.name)) {
      diffs.push({ kind: 'table-extra', table: h.name, message: `Table \`${h.name}\` exists in the database but not in the schema.` });
    }
  }
  return diffs;
}

/**
 * The migration script (Prisma layout and step order) that turns `have` into `want`,
 * with Prisma's warnings for destructive steps. Returns null when there is nothing to do.
 */
export function migrationScript(want: SchemaDef, have: SchemaDef, opts: CompareOptions = {}): { script: string; warnings: string[] } | null {
  const haveTables = new Map(have.tables.map((t) => [t.name, t]));
  const wantTables = new Map(want.tables.map((t) => [t.name, t]));
  const warnings: string[] = [];

  const dropForeignKeys: Step[] = [];
  const dropIndexes: Step[] = [];
  const alterTables: Step[] = [];
  const dropTables: Step[] = [];
  const createTables: Step[] = [];
  const createIndexes: Step[] = [];
  const addForeignKeys: Step[] = [];

  for (const h of have.tables) {
    if (!wantTables.has(h.name)) {
      warnings.push(`You are about to drop the \`${h.name}\` table. If the table is not empty, all the data it contains will be lost.`);
      for (const fk of h.foreignKeys) dropForeignKeys.push({ kind: 'DropForeignKey', statements: [renderDropForeignKey(h.name, fk.name)] });
      dropTables.push({ kind: 'DropTable', statements: [renderDropTable(h.name)] });
    }
  }

  for (const w of want.tables) {
    const h = haveTables.get(w.name);
    if (!h) {
      createTables.push({ kind: 'CreateTable', statements: [renderCreateTable(w)] });
      for (const fk of w.foreignKeys) addForeignKeys.push({ kind: 'AddForeignKey', statements: [renderAddForeignKey(w.name, fk)] });
      continue;
    }
    const fkNames = new Set(h.foreignKeys.map((f) => f.name));
    const hFk = new Map(h.foreignKeys.map((f) => [f.name, f]));
    const wFk = new Map(w.foreignKeys.map((f) => [f.name, f]));
    for (const hf of h.foreignKeys) {
      const wf = wFk.get(hf.name);
      if (!wf || !sameFk(wf, hf)) dropForeignKeys.push({ kind: 'DropForeignKey', statements: [renderDropForeignKey(h.name, hf.name)] });
    }
    for (const wf of w.foreignKeys) {
      const hf = hFk.get(wf.name);
      if (!hf || !sameFk(wf, hf)) addForeignKeys.push({ kind: 'AddForeignKey', statements: [renderAddForeignKey(w.name, wf)] });
    }

    const hIdx = new Map(h.indexes.map((i) => [i.name, i]));
    const wIdx = new Map(w.indexes.map((i) => [i.name, i]));
    for (const hi of h.indexes) {
      const wi = wIdx.get(hi.name);
      if (!wi && opts.ignoreImplicitFkIndexes && fkNames.has(hi.name)) continue;
      if (!wi || wi.kind !== hi.kind || !sameIndexColumns(wi.columns, hi.columns)) dropIndexes.push({ kind: 'DropIndex', statements: [renderDropIndex(h.name, hi.name)] });
    }
    for (const wi of w.indexes) {
      const hi = hIdx.get(wi.name);
      if (!hi || wi.kind !== hi.kind || !sameIndexColumns(wi.columns, hi.columns)) {
        if (wi.kind === 'unique') {
          warnings.push(`A unique constraint covering the columns \`[${wi.columns.map((c) => c.name).join(',')}]\` on the table \`${w.name}\` will be added. If there are existing duplicate values, this will fail.`);
        }
        createIndexes.push({ kind: 'CreateIndex', statements: [renderCreateIndex(w.name, wi)] });
      }
    }

    const clauses: string[] = [];
    const pkChanged = !sameIndexColumns(w.primaryKey, h.primaryKey);
    if (pkChanged && h.primaryKey.length) clauses.push(clause.dropPrimaryKey());
    const hCols = new Map(h.columns.map((c) => [c.name, c]));
    const wCols = new Map(w.columns.map((c) => [c.name, c]));
    for (const hc of h.columns) {
      if (!wCols.has(hc.name)) {
        warnings.push(`You are about to drop the column \`${hc.name}\` on the \`${h.name}\` table. All the data in the column will be lost.`);
        clauses.push(clause.dropColumn(hc.name));
      }
    }
    for (const wc of w.columns) {
      const hc = hCols.get(wc.name);
      if (!hc) {
        if (wc.notNull && wc.default === null && !wc.autoIncrement) {
          warnings.push(`Added the required column \`${wc.name}\` to the \`${w.name}\` table without a default value. This is not possible if the table is not empty.`);
        }
        clauses.push(clause.addColumn(wc));
      } else if (columnChanges(wc, hc).length) {
        const we = enumValues(wc.type);
        const he = enumValues(hc.type);
        if (we && he && he.some((v) => !we.includes(v))) {
          warnings.push(`The values [${he.filter((v) => !we.includes(v)).join(',')}] on the enum \`${w.name}_${wc.name}\` will be removed. If these variants are still used in the database, this will fail.`);
        }
        if (wc.notNull && !hc.notNull) {
          warnings.push(`Made the column \`${wc.name}\` on table \`${w.name}\` required, but there are existing NULL values.`);
        }
        clauses.push(clause.modifyColumn(wc));
      }
    }
    if (pkChanged && w.primaryKey.length) clauses.push(clause.addPrimaryKey(w.primaryKey));
    if (clauses.length) alterTables.push({ kind: 'AlterTable', statements: [renderAlterTable(w.name, clauses)] });
  }

  const steps = [...dropForeignKeys, ...dropIndexes, ...alterTables, ...dropTables, ...createTables, ...createIndexes, ...addForeignKeys];
  if (!steps.length) return null;
  return { script: renderScript(steps, warnings), warnings };
}
