import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import StreamSourceBanner from './StreamSourceBanner.svelte';

describe('StreamSourceBanner', () => {
  it('names the private MariaDB as the source, as information', () => {
    render(StreamSourceBanner, { source: { kind: 'mariadb' } });
    const banner = screen.getByTestId('stream-source');
    expect(banner.textContent).toContain("the emulator's MariaDB");
    expect(banner.className).toContain('info');
  });

  it('warns when synthetic events feed the stream, with the reason and the fix', () => {
    render(StreamSourceBanner, { source: { kind: 'synthetic', note: 'mariadbd is not installed … sudo apt-get install mariadb-server' } });
    const banner = screen.getByTestId('stream-source');
    expect(banner.textContent).toContain('synthetic events from a generator');
    expect(banner.textContent).toContain('apt-get install mariadb-server');
    expect(banner.className).toContain('warn');
  });
});
