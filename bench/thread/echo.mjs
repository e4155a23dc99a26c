// The tiny task: input -> input. Default export for piscina and for our defineTask.
export default function echo(input) {
  return input;
}
