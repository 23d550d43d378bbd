import type { ViteUserConfig } from 'vitest/config';

export declare function dasVitestConfig(overrides?: ViteUserConfig): ViteUserConfig;
declare const config: ViteUserConfig;
export default config;
