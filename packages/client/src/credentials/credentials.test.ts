import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chainCredentials, CredentialsProviderError, envCredentials, refreshingCredentials, staticCredentials } from './index.js';
import { sharedFileCredentials } from './node.js';

describe('credentials providers', () => {
  it('staticCredentials returns the given keys and refuses missing ones', () => {
    expect(staticCredentials({ accessKeyId: 'A', secretAccessKey: 'S' }).getCredentials()).toEqual({ accessKeyId: 'A', secretAccessKey: 'S' });
    expect(() => staticCredentials({ accessKeyId: '', secretAccessKey: 'S' })).toThrow(TypeError);
  });

  it('envCredentials reads AWS_* (with session token) on each call and has none when unset', () => {
    const env: NodeJS.ProcessEnv = {};
    const p = envCredentials(env);
    expect(() => p.getCredentials()).toThrow(CredentialsProviderError);
    Object.assign(env, { AWS_ACCESS_KEY_ID: 'AK', AWS_SECRET_ACCESS_KEY: 'SK', AWS_SESSION_TOKEN: 'TOK' });
    expect(p.getCredentials()).toEqual({ accessKeyId: 'AK', secretAccessKey: 'SK', sessionToken: 'TOK' });
  });

  it('sharedFileCredentials reads a profile from the credentials file, else from the config file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 's3kit-creds-'));
    const credentialsFile = join(dir, 'credentials');
    const configFile = join(dir, 'config');
    writeFileSync(
      credentialsFile,
      '[default]\naws_access_key_id = DEF\naws_secret_access_key = defsecret # comment\n\n[work]\naws_access_key_id=WORK\naws_secret_access_key=worksecret\naws_session_token=wt\n',
    );
    writeFileSync(configFile, '[profile cfg]\nregion = eu-west-1\naws_access_key_id = CFG\naws_secret_access_key = cfgsecret\n');
    const opts = { credentialsFile, configFile, env: {} };
    expect(await sharedFileCredentials(opts).getCredentials()).toEqual({ accessKeyId: 'DEF', secretAccessKey: 'defsecret' });
    expect(await sharedFileCredentials({ ...opts, profile: 'work' }).getCredentials()).toEqual({ accessKeyId: 'WORK', secretAccessKey: 'worksecret', sessionToken: 'wt' });
    expect(await sharedFileCredentials({ ...opts, env: { AWS_PROFILE: 'cfg' } }).getCredentials()).toEqual({ accessKeyId: 'CFG', secretAccessKey: 'cfgsecret' });
    await expect(sharedFileCredentials({ ...opts, profile: 'none' }).getCredentials()).rejects.toBeInstanceOf(CredentialsProviderError);
    await expect(sharedFileCredentials({ credentialsFile: join(dir, 'missing'), configFile: join(dir, 'missing2'), env: {} }).getCredentials()).rejects.toBeInstanceOf(CredentialsProviderError);
  });

  it('refreshingCredentials refreshes before expiry, shares one refresh between concurrent callers and retries after a failure', async () => {
    let now = 1_000_000;
    let calls = 0;
    let fail = false;
    const p = refreshingCredentials({
      clock: () => now,
      refreshBeforeMs: 1000,
      refresh: async () => {
        calls++;
        if (fail) throw new Error('sts down');
        return { accessKeyId: `K${calls}`, secretAccessKey: 'S', sessionToken: 'T', expiration: new Date(now + 10_000) };
      },
    });
    const [a, b] = await Promise.all([p.getCredentials(), p.getCredentials()]);
    expect([a.accessKeyId, b.accessKeyId, calls]).toEqual(['K1', 'K1', 1]);
    now += 8_000; // still 2 s before expiry, outside the 1 s window
    expect((await p.getCredentials()).accessKeyId).toBe('K1');
    now += 1_500; // inside the refresh window
    fail = true;
    await expect(p.getCredentials()).rejects.toThrow('sts down');
    fail = false;
    expect((await p.getCredentials()).accessKeyId).toBe('K3');
    expect(calls).toBe(3);
  });

  it('chainCredentials uses the first provider that has credentials and remembers it; other errors propagate', async () => {
    let envCalls = 0;
    const none = {
      getCredentials: () => {
        envCalls++;
        throw new CredentialsProviderError('none');
      },
    };
    const chain = chainCredentials(none, staticCredentials({ accessKeyId: 'B', secretAccessKey: 'S' }));
    expect((await chain.getCredentials()).accessKeyId).toBe('B');
    await chain.getCredentials();
    expect(envCalls).toBe(1);
    const broken = chainCredentials(
      {
        getCredentials: () => {
          throw new Error('boom');
        },
      },
      staticCredentials({ accessKeyId: 'B', secretAccessKey: 'S' }),
    );
    await expect(broken.getCredentials()).rejects.toThrow('boom');
    await expect(chainCredentials(none).getCredentials()).rejects.toThrow(/no credentials: none/);
  });
});
