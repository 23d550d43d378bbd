import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { addonLoader } from './index.js';

describe('addonLoader', () => {
  it('says why an addon is missing, and tries once', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'das-native-'));
    try {
      const load = addonLoader<unknown>(pathToFileURL(join(dir, 'src', 'index.js')).href, 'absent');
      const first = load();
      expect(first.addon).toBeUndefined();
      expect(first.failure).toMatch(/absent\.node/);
      expect(load()).toBe(first);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
