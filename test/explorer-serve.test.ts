/** `gatelab explore`'s static server: loopback by default, files of the site folder only, clear errors. */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExplorerServer, startExplorerServer } from '../src/cli/explore.js';

function get(url: string, method = 'GET'): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

describe('gatelab explore server', () => {
  const site = mkdtempSync(join(tmpdir(), 'gatelab-site-'));
  let served: ExplorerServer;
  beforeAll(async () => {
    mkdirSync(join(site, 'assets'));
    writeFileSync(join(site, 'index.html'), '<!doctype html><title>x</title>');
    writeFileSync(join(site, 'assets', 'a.js'), 'export {};');
    writeFileSync(join(tmpdir(), 'gatelab-outside-secret.txt'), 'secret');
    served = await startExplorerServer({ dir: site, port: 0 });
  });
  afterAll(async () => {
    await served.close();
    rmSync(site, { recursive: true, force: true });
  });

  it('listens on loopback and serves the site with content types', async () => {
    expect(served.server.address()).toMatchObject({ address: '127.0.0.1' });
    expect(served.url).toMatch(/^http:\/\/localhost:\d+\/$/);
    const index = await get(served.url);
    expect(index).toMatchObject({ status: 200, type: 'text/html; charset=utf-8' });
    expect((await get(`${served.url}assets/a.js`)).type).toMatch(/^text\/javascript/);
    expect((await get(`${served.url}assets/a.js`, 'HEAD')).body).toBe('');
  });

  it('refuses paths outside the folder, unknown files and other methods', async () => {
    expect((await get(`${served.url}../gatelab-outside-secret.txt`)).status).toBe(404);
    expect((await get(`${served.url}%2e%2e/gatelab-outside-secret.txt`)).status).toBe(404);
    expect((await get(`${served.url}nope.js`)).status).toBe(404);
    expect((await get(served.url, 'POST')).status).toBe(405);
  });

  it('names the problem for a folder without a site and for a bad port', async () => {
    await expect(startExplorerServer({ dir: join(site, 'assets'), port: 0 })).rejects.toThrow(
      /index.html missing.*npm run build/,
    );
    await expect(startExplorerServer({ dir: site, port: 70000 })).rejects.toThrow(
      /--port must be an integer in \[0, 65535\], got 70000/,
    );
    await expect(startExplorerServer({ dir: site, port: Number(new URL(served.url).port) })).rejects.toThrow(
      /is in use/,
    );
  });

  it('the command prints the URL it serves', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', 'explore', '--port', '0', '--dir', site],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          if (out.includes('\n')) resolve(out);
        });
        child.on('exit', (code) => reject(new Error(`exited with ${code}`)));
      });
      const url = /(http:\/\/localhost:\d+\/)/.exec(line)?.[1];
      expect(line).toMatch(/^gatelab explorer at http:\/\/localhost:\d+\//);
      expect((await get(url!)).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
