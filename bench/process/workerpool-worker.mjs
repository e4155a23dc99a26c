// workerpool's process mode runs a script that registers its functions.
import workerpool from 'workerpool';
import echo, { spin } from './tasks.mjs';
workerpool.worker({ echo, spin });
