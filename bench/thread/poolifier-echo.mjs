// poolifier's worker: its own wrapper around the same tiny task.
import { ThreadWorker } from 'poolifier';
import echo from './echo.mjs';

export default new ThreadWorker(echo);
