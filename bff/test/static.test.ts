import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { makeApp, type TestApp } from './helpers';

describe('H5 static files', () => {
  let dir: string;
  let t: TestApp;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ih-h5-'));
    mkdirSync(join(dir, 'js'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>互联网医院</title><div id="app"></div>');
    writeFileSync(join(dir, 'js', 'app.3f2a1b9c.js'), 'console.log("app")');
    writeFileSync(join(dir, 'favicon.ico'), 'icon');
    mkdirSync(join(dir, 'api'));
    writeFileSync(join(dir, 'api', 'secret.json'), '{"leak":true}');
    writeFileSync(join(dir, '.env'), 'SECRET=1');
    t = makeApp({ env: { STATIC_DIR: dir } });
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await t.prisma.$disconnect();
  });

  it('serves index.html at / with no-cache', async () => {
    const res = await request(t.app.callback()).get('/').expect(200);
    expect(res.text).toContain('互联网医院');
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('serves hashed assets with a long immutable cache, others revalidated', async () => {
    const js = await request(t.app.callback()).get('/js/app.3f2a1b9c.js').expect(200);
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const icon = await request(t.app.callback()).get('/favicon.ico').expect(200);
    expect(icon.headers['cache-control']).toBe('public, max-age=0, must-revalidate');
  });

  it('falls back to index.html for client-side routes, not for missing files', async () => {
    const page = await request(t.app.callback()).get('/pages/consult/index').set('accept', 'text/html').expect(200);
    expect(page.text).toContain('<div id="app">');
    expect(page.headers['cache-control']).toBe('no-cache');
    const missing = await request(t.app.callback()).get('/js/missing.12345678.js').expect(404);
    expect(missing.body.code).toBe('NOT_FOUND');
  });

  it('never serves files for /api paths, nor dotfiles', async () => {
    const api = await request(t.app.callback()).get('/api/secret.json').expect(404);
    expect(api.body.code).toBe('NOT_FOUND');
    expect(api.text).not.toContain('leak');
    const dot = await request(t.app.callback()).get('/.env');
    expect(dot.text).not.toContain('SECRET');
  });

  it('API routes still work next to the static files', async () => {
    await request(t.app.callback()).get('/healthz').expect(200);
    await request(t.app.callback()).get('/api/v1/meta').expect(200);
  });

  it('without an H5 build the API is served alone', async () => {
    const other = makeApp({ env: { STATIC_DIR: join(dir, 'does-not-exist') } });
    expect(other.config.staticDir).toBeNull();
    const res = await request(other.app.callback()).get('/').expect(404);
    expect(res.body.code).toBe('NOT_FOUND');
    await other.prisma.$disconnect();
  });
});
