// poolifier's thread worker: its own wrapper around the same tiny and CPU tasks.
import { ThreadWorker } from 'poolifier';
import echo, { spin } from '../process/tasks.mjs';

export default new ThreadWorker({ echo, spin });
