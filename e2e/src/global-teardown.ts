export default async function globalTeardown(): Promise<void> {
  await globalThis.__IH_STACK__?.stop();
}
