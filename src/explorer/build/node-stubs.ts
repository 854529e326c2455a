/**
 * Vite plugin: the lab's shared modules import `node:*` built-ins for code paths the page never takes
 * (reading data files, writing run folders). In the browser bundle each such import resolves to a stub
 * module with the same export names, where every function throws "not available in the browser" when
 * called. Names come from the real Node module at build time, so a new import never breaks the build.
 * `createRequire` returns a throwing `require` instead of throwing itself, because modules call it at
 * load time.
 */
import { builtinModules, createRequire } from 'node:module';
import type { Plugin } from 'vite';

const PREFIX = '\0gatelab-node-stub:';
const require = createRequire(import.meta.url);

function stubSource(id: string): string {
  const real = require(id) as Record<string, unknown>;
  const names = Object.keys(real).filter((name) => /^[A-Za-z_$][\w$]*$/.test(name) && name !== 'default');
  const lines = [
    `const fail = (name) => function () { throw new Error(name + ' (${id}) is not available in the browser'); };`,
  ];
  for (const name of names) {
    if (name === 'createRequire') lines.push(`export const createRequire = () => fail('require');`);
    else if (typeof real[name] === 'function') lines.push(`export const ${name} = fail('${name}');`);
    else if (typeof real[name] === 'string' || typeof real[name] === 'number')
      lines.push(`export const ${name} = ${JSON.stringify(real[name])};`);
    else lines.push(`export const ${name} = {};`);
  }
  lines.push(`export default { ${names.join(', ')} };`);
  return lines.join('\n');
}

export function nodeStubs(): Plugin {
  const builtins = new Set(builtinModules);
  return {
    name: 'gatelab-node-stubs',
    enforce: 'pre',
    resolveId(source) {
      const bare = source.startsWith('node:') ? source.slice(5) : source;
      if (source.startsWith('node:') || builtins.has(bare)) return `${PREFIX}node:${bare}`;
      return null;
    },
    load(id) {
      if (!id.startsWith(PREFIX)) return null;
      return stubSource(id.slice(PREFIX.length));
    },
  };
}
