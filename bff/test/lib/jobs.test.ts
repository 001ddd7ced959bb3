import { JobScheduler } from '../../src/lib/jobs';
import { captureLogger } from '../helpers';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('JobScheduler', () => {
  test('runs a registered job on its interval, never overlapping itself, and stop() waits for the run', async () => {
    const log = captureLogger();
    const jobs = new JobScheduler(log.logger);
    let active = 0;
    let maxActive = 0;
    let runs = 0;
    let finished = 0;
    jobs.register({
      name: 'test.slow',
      everyMs: 1000,
      run: async () => {
        active += 1;
        runs += 1;
        maxActive = Math.max(maxActive, active);
        await sleep(1500); // longer than the interval: the next tick must be skipped
        active -= 1;
        finished += 1;
      },
    });
    jobs.start();
    await sleep(2300);
    await jobs.stop();
    expect(runs).toBeGreaterThanOrEqual(1);
    expect(maxActive).toBe(1);
    expect(finished).toBe(runs); // stop() waited for the run in progress
    const after = runs;
    await sleep(1200);
    expect(runs).toBe(after); // nothing after stop
  });

  test('a failing job is logged and keeps its schedule', async () => {
    const log = captureLogger();
    const jobs = new JobScheduler(log.logger);
    let runs = 0;
    jobs.register({ name: 'test.fails', everyMs: 1000, run: async () => { runs += 1; throw new Error('boom'); } });
    jobs.start();
    await sleep(2300);
    await jobs.stop();
    expect(runs).toBeGreaterThanOrEqual(2);
    expect(log.text()).toContain('job failed');
  });

  test('refuses duplicate names and intervals under a second', () => {
    const jobs = new JobScheduler(captureLogger().logger);
    jobs.register({ name: 'a', everyMs: 1000, run: async () => undefined });
    expect(() => jobs.register({ name: 'a', everyMs: 1000, run: async () => undefined })).toThrow(/twice/);
    expect(() => jobs.register({ name: 'b', everyMs: 10, run: async () => undefined })).toThrow(/1000/);
  });
});
