// The child of the hand-written fork pool (the floor): answer every request by id, nothing else.
import echo, { spin } from './tasks.mjs';
const tasks = { echo, spin };
process.on('message', ([id, name, input]) => process.send([id, tasks[name](input)]));
process.on('disconnect', () => process.exit(0));
