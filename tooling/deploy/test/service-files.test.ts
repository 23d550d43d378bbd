import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEPLOY_DIR } from '../src/policy-documents.js';
import { parseUnitFile, timeSpanSeconds, unitValue } from '../src/unit-file.js';
import { repoPath } from './helpers.js';

const read = (relative: string) => readFileSync(join(DEPLOY_DIR, relative), 'utf8');

/** Hardening every unit must carry (key → value). */
const REQUIRED: Record<string, string> = {
  NoNewPrivileges: 'yes',
  ProtectSystem: 'strict',
  ProtectHome: 'yes',
  PrivateTmp: 'yes',
  Restart: 'on-failure',
  KillSignal: 'SIGTERM',
  DynamicUser: 'yes',
  UMask: '0077',
};

const systemdAnalyze = spawnSync('systemd-analyze', ['--version']).status === 0;

describe.each(['das-api', 'das-worker'])('deploy/systemd/%s.service', (name) => {
  const unit = parseUnitFile(read(`systemd/${name}.service`));

  it('is hardened and restarts on failure', () => {
    for (const [key, value] of Object.entries(REQUIRED)) expect(unitValue(unit, 'Service', key), key).toBe(value);
    expect(unitValue(unit, 'Service', 'StateDirectory')).toBe(name);
    expect(unitValue(unit, 'Service', 'Environment')).toBe(`DAS_DATA_DIR=/var/lib/${name}`);
    expect(unitValue(unit, 'Service', 'EnvironmentFile')).toBe('/etc/das/das.env');
    expect(unitValue(unit, 'Service', 'CapabilityBoundingSet')).toBe('');
    expect(unitValue(unit, 'Install', 'WantedBy')).toBe('multi-user.target');
  });

  it('starts the packed bin with node', () => {
    const app = name.replace('das-', '');
    expect(unitValue(unit, 'Service', 'ExecStart')).toBe(`/usr/bin/node /opt/das/${app}/node_modules/@das/${app}/bin/${name === 'das-api' ? 'das-api' : 'das-worker'}.js`);
  });

  it.runIf(systemdAnalyze)('passes systemd-analyze verify without a warning', () => {
    const result = spawnSync('systemd-analyze', ['verify', join(DEPLOY_DIR, `systemd/${name}.service`)], { encoding: 'utf8' });
    // verify exits 0 on unknown keys and bad values, and says so on stderr.
    expect(result.stderr.trim()).toBe('');
    expect(result.status).toBe(0);
  });
});

describe('the worker unit', () => {
  it('waits for the drain longer than the API unit waits for its requests', () => {
    const worker = timeSpanSeconds(unitValue(parseUnitFile(read('systemd/das-worker.service')), 'Service', 'TimeoutStopSec') ?? '0');
    const api = timeSpanSeconds(unitValue(parseUnitFile(read('systemd/das-api.service')), 'Service', 'TimeoutStopSec') ?? '0');
    expect(worker).toBeGreaterThanOrEqual(60);
    expect(worker).toBeGreaterThan(api);
  });
});

describe('deploy/systemd/das.env.example', () => {
  it('sets only variables the apps read, each once', () => {
    const names = read('systemd/das.env.example')
      .split('\n')
      .map((line) => /^#?([A-Z][A-Z0-9_]+)=/.exec(line)?.[1])
      .filter((name): name is string => name !== undefined);
    expect(new Set(names).size).toBe(names.length);
    const readme = readFileSync(repoPath('README.md'), 'utf8');
    for (const variable of names) expect(readme, `${variable} is documented in the README`).toContain(variable);
  });
});

describe('deploy/prometheus', () => {
  const metricsSource = readFileSync(repoPath('apps/worker/src/metrics.ts'), 'utf8');
  const workerMetrics = new Set([...metricsSource.matchAll(/name: '(das_worker_[a-z_]+)'/g)].map((match) => match[1]!));

  it('prometheus.yml parses and scrapes the worker with the token file and the alert rules', () => {
    const config = parse(read('prometheus/prometheus.yml')) as { rule_files: string[]; scrape_configs: { job_name: string; metrics_path: string; authorization: { type: string; credentials_file: string } }[] };
    expect(config.rule_files).toEqual(['das-alerts.yml']);
    const job = config.scrape_configs.find((scrape) => scrape.job_name === 'das-worker');
    expect(job).toMatchObject({ metrics_path: '/metrics', authorization: { type: 'Bearer' } });
  });

  it('das-alerts.yml parses, covers lag, dead letters and KMS, and uses only metrics the worker exports', () => {
    const rules = (parse(read('prometheus/das-alerts.yml')) as { groups: { rules: { alert: string; expr: string; labels: { severity: string } }[] }[] }).groups.flatMap((group) => group.rules);
    const used = new Set(rules.flatMap((rule) => [...rule.expr.matchAll(/\b(das_worker_[a-z_]+)\b/g)].map((match) => match[1]!)));
    expect(workerMetrics.size).toBeGreaterThan(5);
    for (const metric of used) expect(workerMetrics, metric).toContain(metric);
    for (const needed of ['das_worker_shard_lag_ms', 'das_worker_decrypt_failures_total', 'das_worker_kms_retries_total']) expect(used).toContain(needed);
    for (const rule of rules) expect(['critical', 'warning', 'info']).toContain(rule.labels.severity);
  });

  it("the README's Operating section lists every metric the worker exports", () => {
    const readme = readFileSync(repoPath('README.md'), 'utf8');
    const operating = readme.slice(readme.indexOf('## Operating'), readme.indexOf('\n## ', readme.indexOf('## Operating') + 1));
    for (const metric of workerMetrics) expect(operating, metric).toContain(metric);
  });
});
