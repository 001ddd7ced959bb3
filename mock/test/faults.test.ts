import request from 'supertest';
import Router from '@koa/router';
import { createMockApp, type MockPlatform } from '../src/app';

const echo: MockPlatform = {
  name: 'echo',
  prefix: '/echo',
  describe: 'test platform',
  routes(router: Router) {
    router.get('/ping', (ctx) => {
      ctx.body = { pong: true };
    });
  },
};

describe('mock fault injection', () => {
  it('applies an http_error fault a limited number of times through the admin API', async () => {
    const { app } = createMockApp({ platforms: [echo] });
    const server = app.callback();
    await request(server).get('/echo/ping').expect(200, { pong: true });
    await request(server).post('/__admin/faults').send({ platform: 'echo', kind: 'http_error', params: { status: 502 }, times: 2 }).expect(201);
    await request(server).get('/echo/ping').expect(502);
    await request(server).get('/echo/ping').expect(502);
    await request(server).get('/echo/ping').expect(200);
  });

  it('targets one operation only and adds latency', async () => {
    const { app, faults } = createMockApp({ platforms: [echo] });
    faults.add({ platform: 'echo', operation: '/other', kind: 'http_error' });
    faults.add({ platform: 'echo', operation: '/ping', kind: 'latency', params: { ms: 150 }, times: 1 });
    const t0 = Date.now();
    await request(app.callback()).get('/echo/ping').expect(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    expect(faults.list()).toHaveLength(1);
  });

  it('rejects an unknown fault kind with 400 and loads faults from the environment', async () => {
    const { app, faults } = createMockApp({ platforms: [echo] });
    await request(app.callback()).post('/__admin/faults').send({ platform: 'echo', kind: 'explode' }).expect(400);
    faults.loadFromEnv(JSON.stringify([{ platform: 'echo', kind: 'http_error' }]));
    await request(app.callback()).get('/echo/ping').expect(503);
    await request(app.callback()).delete('/__admin/faults').expect(204);
    await request(app.callback()).get('/echo/ping').expect(200);
  });
});
