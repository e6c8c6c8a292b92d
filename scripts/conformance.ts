// `npm run conformance [-- DIR]`: runs the goflow conformance corpus (by
// default ../shared/conformance/goflow next to the repository) and prints
// one line per failing case, a count per section and `N passed, M failed`.
// A case that throws is a failing case. Failing cases do not fail the
// command; only a crash of the harness does. Without the corpus the run is
// reported as SKIPPED, never as passed.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatReport, runConformance } from '../test/flows/support/conformance';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const directory = resolve(process.argv[2] ?? resolve(repoRoot, '../shared/conformance/goflow'));

try {
  const report = await runConformance(directory);
  console.log(formatReport(report));
} catch (e) {
  console.error('conformance harness crashed:', e);
  process.exit(2);
}
