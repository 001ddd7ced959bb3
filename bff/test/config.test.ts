import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { ConfigError, INSECURE_DEV_SECRETS, PLATFORM_VARS, describeConfig, loadConfig } from '../src/config';

const secrets = {
  DATA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  DATA_HASH_KEY: randomBytes(32).toString('base64'),
  SESSION_SECRET: randomBytes(32).toString('base64'),
};

function issuesOf(env: Record<string, string>): Array<{ variable: string; message: string }> {
  try {
    loadConfig(env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).issues;
  }
  throw new Error('expected ConfigError');
}

function productionEnv(): Record<string, string> {
  const env: Record<string, string> = {
    NODE_ENV: 'production',
    ...secrets,
    DATABASE_URL: 'mysql://ih:pw@db.internal:3306/ih',
    PUBLIC_BASE_URL: 'https://ih.example-hospital.cn',
  };
  for (const v of PLATFORM_VARS) env[v.env] = v.sample?.() ?? (v.kind === 'url' ? `https://${v.env.toLowerCase().replace(/_/g, '-')}.example.cn/api` : `real_${v.env.toLowerCase()}`);
  return env;
}

describe('configuration', () => {
  it('applies the defaults (local mocks, local MariaDB) when only the secrets are given', () => {
    const c = loadConfig({ ...secrets });
    expect(c.nodeEnv).toBe('development');
    expect(c.port).toBe(3000);
    expect(c.databaseUrl).toBe('mysql://root@127.0.0.1:3306/internet_hospital');
    expect(c.platforms.mobilePay.baseUrl).toBe('http://127.0.0.1:3100/mobile-pay');
    expect(c.platforms.his.baseUrl).toBe('http://127.0.0.1:3100/his');
    expect(c.platforms.wechatPay.baseUrl).toBe('http://127.0.0.1:3100/wechat-pay');
    expect(c.secrets.dataEncryptionKey).toHaveLength(32);
    expect(c.bodyLimit).toEqual({ json: '1mb', form: '256kb' });
    expect(c.publicBaseUrl).toBe('http://127.0.0.1:3000');
  });

  it('points the platform defaults at MOCK_PORT and reads numbers', () => {
    const c = loadConfig({ ...secrets, MOCK_PORT: '4555', PORT: '8080', SHUTDOWN_GRACE_MS: '2500', STATIC_DIR: 'off' });
    expect(c.platforms.alipay.gatewayUrl).toBe('http://127.0.0.1:4555/alipay/gateway.do');
    expect(c.port).toBe(8080);
    expect(c.shutdownGraceMs).toBe(2500);
    expect(c.staticDir).toBeNull();
  });

  it('lists every missing secret', () => {
    const issues = issuesOf({});
    expect(issues.map((i) => i.variable).sort()).toEqual(['DATA_ENCRYPTION_KEY', 'DATA_HASH_KEY', 'SESSION_SECRET']);
    for (const i of issues) expect(i.message).toMatch(/[\u4e00-\u9fff]/);
  });

  it('lists each bad variable once and never echoes the values', () => {
    const env = {
      ...secrets,
      DATA_ENCRYPTION_KEY: Buffer.from('sixteen-byte-key').toString('base64'),
      PORT: 'eighty',
      LOG_LEVEL: 'loud',
      DATABASE_URL: 'postgres://admin:s3cr3t-pw@db:5432/x',
      WECHAT_PAY_BASE_URL: 'ftp://pay',
      SESSION_SECRET: 'short-secret-value',
    };
    const issues = issuesOf(env);
    expect(issues.map((i) => i.variable).sort()).toEqual(['DATABASE_URL', 'DATA_ENCRYPTION_KEY', 'LOG_LEVEL', 'PORT', 'SESSION_SECRET', 'WECHAT_PAY_BASE_URL']);
    const text = new ConfigError(issues).message;
    for (const value of Object.values(env)) expect(text).not.toContain(value);
    expect(text).not.toContain('s3cr3t');
    expect(text).toContain('DATA_ENCRYPTION_KEY: DATA_ENCRYPTION_KEY 必须是 base64 编码的 32 字节密钥');
  });

  it('refuses the same key for encryption and hashing', () => {
    expect(issuesOf({ ...secrets, DATA_HASH_KEY: secrets.DATA_ENCRYPTION_KEY }).map((i) => i.variable)).toEqual(['DATA_HASH_KEY']);
  });

  it('accepts a complete production configuration', () => {
    const c = loadConfig(productionEnv());
    expect(c.isProduction).toBe(true);
    expect(c.platforms.mobilePay.baseUrl).toBe('https://mobile-pay-base-url.example.cn/api');
    expect(JSON.stringify(describeConfig(c))).not.toContain(':pw@');
  });

  it('in production refuses development secrets, mock platforms and a plain-http public URL', () => {
    const env = { ...productionEnv(), ...INSECURE_DEV_SECRETS, PUBLIC_BASE_URL: 'http://ih.example.cn', HIS_BASE_URL: 'http://127.0.0.1:3100/his' };
    delete (env as Record<string, string>).MOBILE_PAY_APP_ID;
    const byVar = new Map(issuesOf(env).map((i) => [i.variable, i.message]));
    expect([...byVar.keys()].sort()).toEqual(['DATA_ENCRYPTION_KEY', 'DATA_HASH_KEY', 'HIS_BASE_URL', 'MOBILE_PAY_APP_ID', 'PUBLIC_BASE_URL', 'SESSION_SECRET']);
    expect(byVar.get('HIS_BASE_URL')).toContain('mock');
    expect(byVar.get('MOBILE_PAY_APP_ID')).toContain('必须显式设置');
  });

  it('the development secrets are fine outside production', () => {
    expect(() => loadConfig({ NODE_ENV: 'test', ...INSECURE_DEV_SECRETS })).not.toThrow();
  });

  it('the server process refuses to start on bad configuration and says why', () => {
    const root = join(__dirname, '..', '..');
    const r = spawnSync(process.execPath, [join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(__dirname, '..', 'src', 'server.ts')], {
      env: { PATH: process.env.PATH, NODE_ENV: 'production', PORT: 'x', DATA_HASH_KEY: 'not-base64!!', SESSION_SECRET: 'top-secret-but-short' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('配置无效，服务拒绝启动');
    for (const v of ['PORT', 'DATA_ENCRYPTION_KEY', 'DATA_HASH_KEY', 'SESSION_SECRET', 'PUBLIC_BASE_URL', 'MOBILE_PAY_BASE_URL']) expect(r.stderr).toContain(`${v}:`);
    expect(r.stderr).not.toContain('top-secret-but-short');
    expect(r.stderr).not.toContain('not-base64!!');
    expect(r.stdout).not.toContain('listening');
  });
});
