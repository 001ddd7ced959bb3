export default async function globalTeardown(): Promise<void> {
  const db = (globalThis as { __ihBffTestDb?: { drop(): Promise<void> } }).__ihBffTestDb;
  if (db) await db.drop();
}
