// Prints the slowest test files (where CI's minutes go), then jest's totals as the single line CI
// reads: "N passed, N failed".
const path = require('node:path');

class TotalsReporter {
  onRunComplete(_contexts, results) {
    const files = results.testResults
      .map((r) => ({ file: path.relative(process.cwd(), r.testFilePath), s: (r.perfStats.end - r.perfStats.start) / 1000 }))
      .sort((a, b) => b.s - a.s);
    if (files.length > 1) {
      const total = files.reduce((n, f) => n + f.s, 0);
      process.stdout.write(`\nslowest test files (of ${files.length}, ${total.toFixed(0)} s in all):\n`);
      for (const f of files.slice(0, 15)) process.stdout.write(`  ${f.s.toFixed(1).padStart(7)} s  ${f.file}\n`);
    }
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    process.stdout.write(`\n${results.numPassedTests} passed, ${failed} failed\n`);
  }
}
module.exports = TotalsReporter;
