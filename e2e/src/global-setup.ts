import { startStack, type Stack } from './stack';

declare global {
  // eslint-disable-next-line no-var
  var __IH_STACK__: Stack | undefined;
}

export default async function globalSetup(): Promise<void> {
  const stack = await startStack();
  globalThis.__IH_STACK__ = stack;
  process.env.E2E_BASE_URL = stack.baseUrl;
  process.env.E2E_MOCK_URL = stack.mockUrl;
  process.env.E2E_DATABASE_URL = stack.databaseUrl;
}
