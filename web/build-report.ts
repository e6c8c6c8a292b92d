// Reports the initial JavaScript of the inbox (the entry chunk and every chunk
// it imports statically: what a first visit downloads before anything shows),
// gzipped, and fails the build above the budget. Lazy chunks are listed apart.
import { gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';

/** The budget: initial JavaScript ≤ 200 KB gzipped. */
export const INITIAL_JS_BUDGET_BYTES = 200 * 1024;

export interface InitialJavaScript {
  files: string[];
  gzipBytes: number;
}

interface ChunkLike {
  type: 'chunk' | 'asset';
  fileName: string;
  isEntry?: boolean;
  imports?: string[];
  code?: string;
}

export function initialJavaScript(bundle: Record<string, ChunkLike>): InitialJavaScript {
  const seen = new Set<string>();
  const visit = (fileName: string) => {
    const chunk = bundle[fileName];
    if (!chunk || chunk.type !== 'chunk' || seen.has(fileName)) return;
    seen.add(fileName);
    for (const imported of chunk.imports ?? []) visit(imported);
  };
  for (const chunk of Object.values(bundle)) if (chunk.type === 'chunk' && chunk.isEntry) visit(chunk.fileName);
  const files = [...seen].sort();
  const gzipBytes = files.reduce((sum, fileName) => sum + gzipSync(bundle[fileName]!.code ?? '', { level: 9 }).length, 0);
  return { files, gzipBytes };
}

export function reportInitialJavaScript(budget = INITIAL_JS_BUDGET_BYTES): Plugin {
  return {
    name: 'ticketer-initial-js-report',
    apply: 'build',
    generateBundle(_options, bundle) {
      const initial = initialJavaScript(bundle as unknown as Record<string, ChunkLike>);
      const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
      const line = `initial JavaScript: ${kb(initial.gzipBytes)} gzipped (budget ${kb(budget)}) in ${initial.files.join(', ')}`;
      this.info(line);
      console.log(`\n${line}`);
      if (initial.gzipBytes > budget) this.error(`initial JavaScript is over budget: ${line}`);
      this.emitFile({ type: 'asset', fileName: 'build-report.json', source: `${JSON.stringify({ ...initial, budgetBytes: budget }, null, 2)}\n` });
    },
  };
}
