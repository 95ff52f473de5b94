/** Starts a Gateway on 127.0.0.1:0 for a test, with settings overrides and a hand-written decide. */
import type { TestContext } from 'node:test';
import { defaultSettings, type SmoothgateSettings } from '../../src/config/smoothgate-yaml';
import { Gateway, type GatewayAddresses, type GatewayOptions } from '../../src/server/gateway';
import type { AccessLogRecord } from '../../src/server/access-log';

export interface TestGateway {
  readonly gateway: Gateway;
  readonly port: number;
  readonly url: string;
  readonly metricsUrl: string | null;
  readonly accessLines: string[];
  readonly addresses: GatewayAddresses;
}

export type SettingsPatch = { -readonly [K in keyof SmoothgateSettings]?: SmoothgateSettings[K] };

export function testSettings(patch: SettingsPatch = {}): SmoothgateSettings {
  const base = defaultSettings();
  return { ...base, listen: [{ host: '127.0.0.1', port: 0 }], metricsListen: null, ...patch };
}

export async function startGateway(
  t: TestContext,
  options: Omit<GatewayOptions, 'settings'> & { settings?: SettingsPatch },
): Promise<TestGateway> {
  const accessLines: string[] = [];
  const gateway = new Gateway({
    accessLogWrite: (line: string) => accessLines.push(line),
    ...options,
    settings: testSettings(options.settings),
  });
  const addresses = await gateway.start();
  t.after(() => gateway.close());
  const port = addresses.http[0]!.port;
  return {
    gateway,
    port,
    url: `http://127.0.0.1:${port}`,
    metricsUrl: addresses.metrics ? `http://127.0.0.1:${addresses.metrics.port}` : null,
    accessLines,
    addresses,
  };
}

export type { AccessLogRecord };
