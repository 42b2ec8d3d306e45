import os from 'node:os';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { osUserName } from '../../../src/adapters/os-user.js';

describe('osUserName', () => {
  afterEach(() => vi.restoreAllMocks());
  it("is the operating system's user name", () => {
    expect(osUserName()).toBe(os.userInfo().username);
  });
  it('reads "unknown" where the uid has no user entry (os.userInfo throws)', () => {
    vi.spyOn(os, 'userInfo').mockImplementation(() => {
      throw new Error('ENOENT: no such file or directory, uv_os_get_passwd');
    });
    expect(osUserName()).toBe('unknown');
  });
});
