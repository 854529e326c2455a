/**
 * `gatelab explore`: serves the explorer page (the static site `npm run build` writes to dist/explorer/)
 * on a local port and prints its URL. Loopback only unless --host says otherwise; GET/HEAD of files
 * inside the site folder only; the page itself makes no request outside this server.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.wasm': 'application/wasm',
  '.gz': 'application/octet-stream',
};

/** The built site: dist/explorer of this installation. */
export function defaultExplorerDir(): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  // dist/cli/main.js, a shared chunk in dist/, or src/cli/explore.ts run from the sources.
  const candidates = [
    resolve(here, '../explorer'),
    resolve(here, 'explorer'),
    resolve(here, '../../dist/explorer'),
  ];
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? candidates[0];
}

export interface ExplorerServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/** Serves `dir` on host:port (port 0 = any free port). */
export async function startExplorerServer(options: {
  dir?: string;
  port?: number;
  host?: string;
}): Promise<ExplorerServer> {
  const dir = resolve(options.dir ?? defaultExplorerDir());
  if (!existsSync(join(dir, 'index.html'))) {
    throw new Error(`${dir}: no explorer site here (index.html missing); build it with npm run build`);
  }
  const port = options.port ?? 8737;
  if (!(Number.isInteger(port) && port >= 0 && port <= 65535)) {
    throw new RangeError(`--port must be an integer in [0, 65535], got ${options.port}`);
  }
  const host = options.host ?? '127.0.0.1';
  const server = createServer((request, response) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    let path: string;
    try {
      path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    } catch {
      response.writeHead(400).end();
      return;
    }
    const file = normalize(join(dir, path.endsWith('/') ? `${path}index.html` : path));
    if (!(file === dir || file.startsWith(dir + sep)) || !existsSync(file) || !statSync(file).isFile()) {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end(`not found: ${path}\n`);
      return;
    }
    response.writeHead(200, {
      'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
    });
    response.end(request.method === 'HEAD' ? undefined : readFileSync(file));
  });
  await new Promise<void>((done, fail) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      fail(
        new Error(
          error.code === 'EADDRINUSE'
            ? `port ${port} on ${host} is in use; choose another with --port`
            : `cannot listen on ${host}:${port}: ${error.message}`,
        ),
      ),
    );
    server.listen(port, host, done);
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost === '127.0.0.1' ? 'localhost' : shownHost}:${address.port}/`,
    server,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

function openInBrowser(url: string): void {
  const command = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'cmd' : 'xdg-open';
  const args = process.platform === 'win32' ? ['/c', 'start', '', url] : [url];
  const child = spawn(command, args, { stdio: 'ignore', detached: true });
  child.on('error', (error) =>
    process.stderr.write(`could not open a browser (${command}: ${error.message}); open ${url}\n`),
  );
  child.unref();
}

export function registerExplore(program: Command): void {
  program
    .command('explore')
    .description('serve the explorer web page (curves, statistics, training in the browser, results) locally')
    .option('--port <number>', 'port (0 = any free port)', '8737')
    .option('--host <address>', 'address to listen on (default loopback only)', '127.0.0.1')
    .option('--open', 'open the page in the default browser')
    .option('--dir <folder>', 'site folder (default: dist/explorer of this installation)')
    .action(async (options: { port: string; host: string; open?: boolean; dir?: string }) => {
      const port = Number(options.port);
      if (options.port.trim() === '' || !Number.isInteger(port))
        throw new RangeError(`--port must be an integer in [0, 65535], got '${options.port}'`);
      const served = await startExplorerServer({ dir: options.dir, port, host: options.host });
      process.stdout.write(`gatelab explorer at ${served.url} (Ctrl+C stops it)\n`);
      if (options.open) openInBrowser(served.url);
    });
}
