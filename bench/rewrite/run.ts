/**
 * bench/rewrite — routing decisions per second (issue 2; INTERFACE.md §12 aim ≥ 200,000 per core)
 * for the WordPress, Drupal and Smooth Streaming seed configurations from ../shared/conformance/configs,
 * each as the DocumentRoot's .htaccess of the oracle's base configuration, with the file-system
 * checks cached as `serve` caches them (CachingFsView). One process, one core; median of 5 runs.
 *
 *   npm run bench -- rewrite
 */
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config';
import { baseConfig, moduleList } from '../../src/conformance/case-server';
import { CachingFsView } from '../../src/fs/caching-fs-view';
import { NodeFsView } from '../../src/fs/node-fs-view';
import { Router } from '../../src/routing/router';
import type { RoutingRequest } from '../../src/routing/routing-request';

const configsDir = join(__dirname, '..', '..', '..', '..', 'shared', 'conformance', 'configs');

interface Scenario {
  readonly name: string;
  readonly htaccess: string;
  readonly files: string[];
  readonly targets: string[];
}

const scenarios: Scenario[] = [
  {
    name: 'wordpress',
    htaccess: 'wordpress.htaccess',
    files: ['index.php', 'wp-content/uploads/2024/01/pic.jpg', 'wp-includes/js/jquery.js'],
    targets: ['/hello-world/', '/2024/01/hello-world/?replytocom=5', '/wp-content/uploads/2024/01/pic.jpg', '/index.php?p=12', '/category/news/page/2/'],
  },
  {
    name: 'drupal',
    htaccess: 'drupal.htaccess',
    files: ['index.php', 'core/misc/drupal.js', 'sites/default/files/logo.png'],
    targets: ['/', '/node/1', '/core/misc/drupal.js', '/sites/default/files/logo.png', '/user/login?destination=/node/1'],
  },
  {
    name: 'smooth-streaming seed',
    htaccess: 'smooth-streaming.htaccess',
    files: ['video.mp4', 'video.ism/video_900000.ismv', 'videos/a/clip.mp4'],
    targets: [
      '/video.ism/manifest?v=1',
      '/video.ism/QualityLevels(900000)/Fragments(video=20000000)',
      '/videos/a/clip.ism/Fragments(audio=40000000)',
      '/video.mp4?start=95.3',
    ],
  },
];

function request(target: string): RoutingRequest {
  return {
    method: 'GET',
    rawTarget: target,
    protocol: 'HTTP/1.1',
    headers: [['Host', 'www.example.com'], ['User-Agent', 'bench']],
    clientIp: '127.0.0.1',
    clientPort: 40000,
    localIp: '127.0.0.1',
    localPort: 8180,
    isHttps: false,
  };
}

function runScenario(s: Scenario): number {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'sg-bench-')));
  try {
    mkdirSync(join(root, 'htdocs'), { recursive: true });
    writeFileSync(join(root, 'mime.types'), 'text/html html\nvideo/mp4 mp4\nvideo/ismv ismv\nimage/jpeg jpg\nimage/png png\ntext/javascript js\n');
    writeFileSync(join(root, 'htdocs', '.htaccess'), readFileSync(join(configsDir, s.htaccess)));
    for (const f of s.files) {
      mkdirSync(join(root, 'htdocs', f, '..'), { recursive: true });
      writeFileSync(join(root, 'htdocs', f), 'x');
    }
    const conf = baseConfig({ id: 'bench', group: '', conf: '', files: {}, request: {}, observe: {}, expected: null, line: 0 }, moduleList(['+setenvif', '+expires']))
      .split('@ROOT@').join(root).split('@DOCROOT@').join(`${root}/htdocs`).split('@PORT@').join('8180');
    writeFileSync(join(root, 'httpd.conf'), conf);
    const config = loadConfig({ httpdConf: join(root, 'httpd.conf'), serverRoot: root, envvars: 'none', processEnv: {} });
    const router = new Router(config, new CachingFsView(new NodeFsView(), { ttlMs: 60_000 }), { installedHandlers: new Set(['h264-streaming']) });
    const requests = s.targets.map(request);
    for (let i = 0; i < 20_000; i++) router.decide(requests[i % requests.length]!);
    const rates: number[] = [];
    for (let run = 0; run < 5; run++) {
      const n = 100_000;
      const start = process.hrtime.bigint();
      for (let i = 0; i < n; i++) router.decide(requests[i % requests.length]!);
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      rates.push(n / seconds);
    }
    rates.sort((a, b) => a - b);
    return rates[2]!;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

console.log('| configuration | routing decisions/s (one core, median of 5) |');
console.log('| --- | --- |');
for (const s of scenarios) console.log(`| ${s.name} | ${Math.round(runScenario(s)).toLocaleString('en-US')} |`);
