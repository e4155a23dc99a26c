// The tiny task: input -> input.
export default function echo(input) {
  return input;
}
