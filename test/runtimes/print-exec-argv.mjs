// Forked by the portable suite with a flag: says whether the runtime reports it in process.execArgv.
process.send(process.execArgv, () => process.disconnect());
