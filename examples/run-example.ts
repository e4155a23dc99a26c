// `npm run example -- NAME`: runs one example by name.
const examples: Record<string, () => Promise<{ main: () => Promise<void> }>> = {
  'explicit-backends': () => import('./explicit-backends.js'),
  'mixed-pipeline': () => import('./mixed-pipeline.js'),
  'many-io-progress': () => import('./many-io-progress.js'),
  'measured-traits': () => import('./measured-traits.js'),
  'rate-limited-fetch': () => import('./rate-limited-fetch.js'),
  'hash-with-progress': () => import('./hash-with-progress.js'),
  demo: () => import('./demo.js'),
};

const name = process.argv[2];
const load = name ? examples[name] : undefined;
if (!load) {
  console.error(`Usage: npm run example -- <${Object.keys(examples).join('|')}>`);
  process.exitCode = 1;
} else {
  await (await load()).main();
}
