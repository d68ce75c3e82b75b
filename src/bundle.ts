// The one bundle dist/ ships: the action's run() and the CLI's main() share one copy of the
// pipeline and TF.js. dist/index.js and dist/cli.js are two-line entry points onto it.
export { run } from './main.js';
export { main } from './cli.js';
// For `npm run bench`, which times the shipped kernels.
export { binaryMetrics, multiclassMetrics, regressionMetrics } from './metrics/index.js';
